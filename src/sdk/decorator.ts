import type { LedgerBaseClient } from "./client.js";
import { acceptDefaultAdminTransfer } from "./actions/acceptDefaultAdminTransfer.js";
import { beginDefaultAdminTransfer } from "./actions/beginDefaultAdminTransfer.js";
import { cancelDefaultAdminTransfer } from "./actions/cancelDefaultAdminTransfer.js";
import { changeDefaultAdminDelay, rollbackDefaultAdminDelay } from "./actions/changeDefaultAdminDelay.js";
import { getDefaultAdmin } from "./actions/getDefaultAdmin.js";
import { approve } from "./actions/approve.js";
import { attestLot } from "./actions/attestLot.js";
import { batchTransfer } from "./actions/batchTransfer.js";
import { batchTransferPartial } from "./actions/batchTransferPartial.js";
import { cancelAuthorization } from "./actions/cancelAuthorization.js";
import { checkTransfer } from "./actions/checkTransfer.js";
import { closeWallet } from "./actions/closeWallet.js";
import { createPaymentRequest } from "./actions/createPaymentRequest.js";
import { denylist } from "./actions/denylist.js";
import { disputeLot } from "./actions/disputeLot.js";
import { freezeWallet } from "./actions/freezeWallet.js";
import { getAllowance } from "./actions/getAllowance.js";
import { getAuthorizationState } from "./actions/getAuthorizationState.js";
import { getAvailableToIssue } from "./actions/getAvailableToIssue.js";
import { getBalance } from "./actions/getBalance.js";
import { getCurrentDay } from "./actions/getCurrentDay.js";
import { getGoodsRelease } from "./actions/getGoodsRelease.js";
import { getGoodsReleaseCount } from "./actions/getGoodsReleaseCount.js";
import { getLimitLeftToday } from "./actions/getLimitLeftToday.js";
import { getLot } from "./actions/getLot.js";
import { getOutstandingSupply } from "./actions/getOutstandingSupply.js";
import { getPermitNonce } from "./actions/getPermitNonce.js";
import { getRemainingDailyOutflow } from "./actions/getRemainingDailyOutflow.js";
import { getRoleAdmin } from "./actions/getRoleAdmin.js";
import { getRoleMembers } from "./actions/getRoleMembers.js";
import { getTierLimits } from "./actions/getTierLimits.js";
import { getTokenDomain } from "./actions/getTokenDomain.js";
import { getTokenMetadata } from "./actions/getTokenMetadata.js";
import { getTotalSupply } from "./actions/getTotalSupply.js";
import { getValidReserves } from "./actions/getValidReserves.js";
import { getWallet } from "./actions/getWallet.js";
import { getWalletByAlias } from "./actions/getWalletByAlias.js";
import { grantRole } from "./actions/grantRole.js";
import { hasRole } from "./actions/hasRole.js";
import { isPaused } from "./actions/isPaused.js";
import { isPaymentReferenceUsed } from "./actions/isPaymentReferenceUsed.js";
import { issue } from "./actions/issue.js";
import { linkAlias } from "./actions/linkAlias.js";
import { parsePaymentRequest } from "./actions/parsePaymentRequest.js";
import { pause } from "./actions/pause.js";
import { permit } from "./actions/permit.js";
import { recoverWallet } from "./actions/recoverWallet.js";
import { reconcileTransfers } from "./actions/reconcileTransfers.js";
import { redeem } from "./actions/redeem.js";
import { registerWallet } from "./actions/registerWallet.js";
import { registerWallets } from "./actions/registerWallets.js";
import { releaseLot } from "./actions/releaseLot.js";
import { removeFromDenylist } from "./actions/removeFromDenylist.js";
import { renewAttestation } from "./actions/renewAttestation.js";
import { renounceRole } from "./actions/renounceRole.js";
import { resolveDispute } from "./actions/resolveDispute.js";
import { revokeRole } from "./actions/revokeRole.js";
import { seize } from "./actions/seize.js";
import { sendTransfers } from "./actions/sendTransfers.js";
import { setTierLimits } from "./actions/setTierLimits.js";
import { signPayment } from "./actions/signPayment.js";
import { signPermit } from "./actions/signPermit.js";
import { signTransfers } from "./actions/signTransfers.js";
import { submitPayment } from "./actions/submitPayment.js";
import { supportsInterface } from "./actions/supportsInterface.js";
import { transfer } from "./actions/transfer.js";
import { transferFrom } from "./actions/transferFrom.js";
import { unfreezeWallet } from "./actions/unfreezeWallet.js";
import { unpause } from "./actions/unpause.js";
import { updateWallet } from "./actions/updateWallet.js";
import { waitForTransaction } from "./actions/waitForTransaction.js";

/**
 * Binds every action to a client, so `client.transfer(parameters)` calls `transfer(client, parameters)`.
 * `createLedgerClient` applies it; use it with `client.extend(ledgerActions)` on a hand-made client.
 *
 * @param client - a ledger client.
 * @returns the bound actions.
 * @example
 * ```ts
 * const client = createClient({ chain, transport, account }).extend(() => ({ ledger })).extend(ledgerActions);
 * ```
 */
export function ledgerActions(client: LedgerBaseClient) {
  return {
    approve: (parameters: Parameters<typeof approve>[1]) => approve(client, parameters),
    attestLot: (parameters: Parameters<typeof attestLot>[1]) => attestLot(client, parameters),
    batchTransfer: (parameters: Parameters<typeof batchTransfer>[1]) => batchTransfer(client, parameters),
    batchTransferPartial: (parameters: Parameters<typeof batchTransferPartial>[1]) => batchTransferPartial(client, parameters),
    cancelAuthorization: (parameters: Parameters<typeof cancelAuthorization>[1]) => cancelAuthorization(client, parameters),
    checkTransfer: (parameters: Parameters<typeof checkTransfer>[1]) => checkTransfer(client, parameters),
    closeWallet: (parameters: Parameters<typeof closeWallet>[1]) => closeWallet(client, parameters),
    createPaymentRequest: (parameters: Parameters<typeof createPaymentRequest>[1]) => createPaymentRequest(client, parameters),
    denylist: (parameters: Parameters<typeof denylist>[1]) => denylist(client, parameters),
    disputeLot: (parameters: Parameters<typeof disputeLot>[1]) => disputeLot(client, parameters),
    freezeWallet: (parameters: Parameters<typeof freezeWallet>[1]) => freezeWallet(client, parameters),
    getAllowance: (parameters: Parameters<typeof getAllowance>[1]) => getAllowance(client, parameters),
    getAuthorizationState: (parameters: Parameters<typeof getAuthorizationState>[1]) => getAuthorizationState(client, parameters),
    getAvailableToIssue: (parameters: Parameters<typeof getAvailableToIssue>[1]) => getAvailableToIssue(client, parameters),
    getBalance: (parameters: Parameters<typeof getBalance>[1]) => getBalance(client, parameters),
    getCurrentDay: (parameters?: Parameters<typeof getCurrentDay>[1]) => getCurrentDay(client, parameters),
    getGoodsRelease: (parameters: Parameters<typeof getGoodsRelease>[1]) => getGoodsRelease(client, parameters),
    getGoodsReleaseCount: (parameters?: Parameters<typeof getGoodsReleaseCount>[1]) => getGoodsReleaseCount(client, parameters),
    getLimitLeftToday: (parameters: Parameters<typeof getLimitLeftToday>[1]) => getLimitLeftToday(client, parameters),
    getLot: (parameters: Parameters<typeof getLot>[1]) => getLot(client, parameters),
    getOutstandingSupply: (parameters?: Parameters<typeof getOutstandingSupply>[1]) => getOutstandingSupply(client, parameters),
    getPermitNonce: (parameters: Parameters<typeof getPermitNonce>[1]) => getPermitNonce(client, parameters),
    getRemainingDailyOutflow: (parameters: Parameters<typeof getRemainingDailyOutflow>[1]) => getRemainingDailyOutflow(client, parameters),
    getRoleAdmin: (parameters: Parameters<typeof getRoleAdmin>[1]) => getRoleAdmin(client, parameters),
    getRoleMembers: (parameters?: Parameters<typeof getRoleMembers>[1]) => getRoleMembers(client, parameters),
    getDefaultAdmin: (parameters?: Parameters<typeof getDefaultAdmin>[1]) => getDefaultAdmin(client, parameters),
    beginDefaultAdminTransfer: (parameters: Parameters<typeof beginDefaultAdminTransfer>[1]) => beginDefaultAdminTransfer(client, parameters),
    acceptDefaultAdminTransfer: (parameters?: Parameters<typeof acceptDefaultAdminTransfer>[1]) => acceptDefaultAdminTransfer(client, parameters),
    cancelDefaultAdminTransfer: (parameters?: Parameters<typeof cancelDefaultAdminTransfer>[1]) => cancelDefaultAdminTransfer(client, parameters),
    changeDefaultAdminDelay: (parameters: Parameters<typeof changeDefaultAdminDelay>[1]) => changeDefaultAdminDelay(client, parameters),
    rollbackDefaultAdminDelay: (parameters?: Parameters<typeof rollbackDefaultAdminDelay>[1]) => rollbackDefaultAdminDelay(client, parameters),
    getTierLimits: (parameters: Parameters<typeof getTierLimits>[1]) => getTierLimits(client, parameters),
    getTokenDomain: () => getTokenDomain(client),
    getTokenMetadata: () => getTokenMetadata(client),
    getTotalSupply: (parameters?: Parameters<typeof getTotalSupply>[1]) => getTotalSupply(client, parameters),
    getValidReserves: (parameters?: Parameters<typeof getValidReserves>[1]) => getValidReserves(client, parameters),
    getWallet: (parameters: Parameters<typeof getWallet>[1]) => getWallet(client, parameters),
    getWalletByAlias: (parameters: Parameters<typeof getWalletByAlias>[1]) => getWalletByAlias(client, parameters),
    grantRole: (parameters: Parameters<typeof grantRole>[1]) => grantRole(client, parameters),
    hasRole: (parameters: Parameters<typeof hasRole>[1]) => hasRole(client, parameters),
    isPaused: (parameters?: Parameters<typeof isPaused>[1]) => isPaused(client, parameters),
    isPaymentReferenceUsed: (parameters: Parameters<typeof isPaymentReferenceUsed>[1]) => isPaymentReferenceUsed(client, parameters),
    issue: (parameters: Parameters<typeof issue>[1]) => issue(client, parameters),
    linkAlias: (parameters: Parameters<typeof linkAlias>[1]) => linkAlias(client, parameters),
    parsePaymentRequest: (parameters: Parameters<typeof parsePaymentRequest>[1]) => parsePaymentRequest(client, parameters),
    pause: () => pause(client),
    permit: (parameters: Parameters<typeof permit>[1]) => permit(client, parameters),
    recoverWallet: (parameters: Parameters<typeof recoverWallet>[1]) => recoverWallet(client, parameters),
    reconcileTransfers: (parameters: Parameters<typeof reconcileTransfers>[1]) => reconcileTransfers(client, parameters),
    redeem: (parameters: Parameters<typeof redeem>[1]) => redeem(client, parameters),
    registerWallet: (parameters: Parameters<typeof registerWallet>[1]) => registerWallet(client, parameters),
    registerWallets: (parameters: Parameters<typeof registerWallets>[1]) => registerWallets(client, parameters),
    releaseLot: (parameters: Parameters<typeof releaseLot>[1]) => releaseLot(client, parameters),
    removeFromDenylist: (parameters: Parameters<typeof removeFromDenylist>[1]) => removeFromDenylist(client, parameters),
    renewAttestation: (parameters: Parameters<typeof renewAttestation>[1]) => renewAttestation(client, parameters),
    renounceRole: (parameters: Parameters<typeof renounceRole>[1]) => renounceRole(client, parameters),
    resolveDispute: (parameters: Parameters<typeof resolveDispute>[1]) => resolveDispute(client, parameters),
    revokeRole: (parameters: Parameters<typeof revokeRole>[1]) => revokeRole(client, parameters),
    seize: (parameters: Parameters<typeof seize>[1]) => seize(client, parameters),
    sendTransfers: (parameters: Parameters<typeof sendTransfers>[1]) => sendTransfers(client, parameters),
    setTierLimits: (parameters: Parameters<typeof setTierLimits>[1]) => setTierLimits(client, parameters),
    signPayment: (parameters: Parameters<typeof signPayment>[1]) => signPayment(client, parameters),
    signPermit: (parameters: Parameters<typeof signPermit>[1]) => signPermit(client, parameters),
    signTransfers: (parameters: Parameters<typeof signTransfers>[1]) => signTransfers(client, parameters),
    submitPayment: (parameters: Parameters<typeof submitPayment>[1]) => submitPayment(client, parameters),
    supportsInterface: (parameters: Parameters<typeof supportsInterface>[1]) => supportsInterface(client, parameters),
    transfer: (parameters: Parameters<typeof transfer>[1]) => transfer(client, parameters),
    transferFrom: (parameters: Parameters<typeof transferFrom>[1]) => transferFrom(client, parameters),
    unfreezeWallet: (parameters: Parameters<typeof unfreezeWallet>[1]) => unfreezeWallet(client, parameters),
    unpause: () => unpause(client),
    updateWallet: (parameters: Parameters<typeof updateWallet>[1]) => updateWallet(client, parameters),
    waitForTransaction: (parameters: Parameters<typeof waitForTransaction>[1]) => waitForTransaction(client, parameters),
  };
}

/** Every action, bound to a client. */
export type LedgerActions = ReturnType<typeof ledgerActions>;

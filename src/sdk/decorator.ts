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
    /** {@link approve}, bound to this client. */
    approve: (parameters: Parameters<typeof approve>[1]) => approve(client, parameters),
    /** {@link attestLot}, bound to this client. */
    attestLot: (parameters: Parameters<typeof attestLot>[1]) => attestLot(client, parameters),
    /** {@link batchTransfer}, bound to this client. */
    batchTransfer: (parameters: Parameters<typeof batchTransfer>[1]) => batchTransfer(client, parameters),
    /** {@link batchTransferPartial}, bound to this client. */
    batchTransferPartial: (parameters: Parameters<typeof batchTransferPartial>[1]) => batchTransferPartial(client, parameters),
    /** {@link cancelAuthorization}, bound to this client. */
    cancelAuthorization: (parameters: Parameters<typeof cancelAuthorization>[1]) => cancelAuthorization(client, parameters),
    /** {@link checkTransfer}, bound to this client. */
    checkTransfer: (parameters: Parameters<typeof checkTransfer>[1]) => checkTransfer(client, parameters),
    /** {@link closeWallet}, bound to this client. */
    closeWallet: (parameters: Parameters<typeof closeWallet>[1]) => closeWallet(client, parameters),
    /** {@link createPaymentRequest}, bound to this client. */
    createPaymentRequest: (parameters: Parameters<typeof createPaymentRequest>[1]) => createPaymentRequest(client, parameters),
    /** {@link denylist}, bound to this client. */
    denylist: (parameters: Parameters<typeof denylist>[1]) => denylist(client, parameters),
    /** {@link disputeLot}, bound to this client. */
    disputeLot: (parameters: Parameters<typeof disputeLot>[1]) => disputeLot(client, parameters),
    /** {@link freezeWallet}, bound to this client. */
    freezeWallet: (parameters: Parameters<typeof freezeWallet>[1]) => freezeWallet(client, parameters),
    /** {@link getAllowance}, bound to this client. */
    getAllowance: (parameters: Parameters<typeof getAllowance>[1]) => getAllowance(client, parameters),
    /** {@link getAuthorizationState}, bound to this client. */
    getAuthorizationState: (parameters: Parameters<typeof getAuthorizationState>[1]) => getAuthorizationState(client, parameters),
    /** {@link getAvailableToIssue}, bound to this client. */
    getAvailableToIssue: (parameters: Parameters<typeof getAvailableToIssue>[1]) => getAvailableToIssue(client, parameters),
    /** {@link getBalance}, bound to this client. */
    getBalance: (parameters: Parameters<typeof getBalance>[1]) => getBalance(client, parameters),
    /** {@link getCurrentDay}, bound to this client. */
    getCurrentDay: (parameters?: Parameters<typeof getCurrentDay>[1]) => getCurrentDay(client, parameters),
    /** {@link getGoodsRelease}, bound to this client. */
    getGoodsRelease: (parameters: Parameters<typeof getGoodsRelease>[1]) => getGoodsRelease(client, parameters),
    /** {@link getGoodsReleaseCount}, bound to this client. */
    getGoodsReleaseCount: (parameters?: Parameters<typeof getGoodsReleaseCount>[1]) => getGoodsReleaseCount(client, parameters),
    /** {@link getLimitLeftToday}, bound to this client. */
    getLimitLeftToday: (parameters: Parameters<typeof getLimitLeftToday>[1]) => getLimitLeftToday(client, parameters),
    /** {@link getLot}, bound to this client. */
    getLot: (parameters: Parameters<typeof getLot>[1]) => getLot(client, parameters),
    /** {@link getOutstandingSupply}, bound to this client. */
    getOutstandingSupply: (parameters?: Parameters<typeof getOutstandingSupply>[1]) => getOutstandingSupply(client, parameters),
    /** {@link getPermitNonce}, bound to this client. */
    getPermitNonce: (parameters: Parameters<typeof getPermitNonce>[1]) => getPermitNonce(client, parameters),
    /** {@link getRemainingDailyOutflow}, bound to this client. */
    getRemainingDailyOutflow: (parameters: Parameters<typeof getRemainingDailyOutflow>[1]) => getRemainingDailyOutflow(client, parameters),
    /** {@link getRoleAdmin}, bound to this client. */
    getRoleAdmin: (parameters: Parameters<typeof getRoleAdmin>[1]) => getRoleAdmin(client, parameters),
    /** {@link getRoleMembers}, bound to this client. */
    getRoleMembers: (parameters?: Parameters<typeof getRoleMembers>[1]) => getRoleMembers(client, parameters),
    /** {@link getDefaultAdmin}, bound to this client. */
    getDefaultAdmin: (parameters?: Parameters<typeof getDefaultAdmin>[1]) => getDefaultAdmin(client, parameters),
    /** {@link beginDefaultAdminTransfer}, bound to this client. */
    beginDefaultAdminTransfer: (parameters: Parameters<typeof beginDefaultAdminTransfer>[1]) => beginDefaultAdminTransfer(client, parameters),
    /** {@link acceptDefaultAdminTransfer}, bound to this client. */
    acceptDefaultAdminTransfer: (parameters?: Parameters<typeof acceptDefaultAdminTransfer>[1]) => acceptDefaultAdminTransfer(client, parameters),
    /** {@link cancelDefaultAdminTransfer}, bound to this client. */
    cancelDefaultAdminTransfer: (parameters?: Parameters<typeof cancelDefaultAdminTransfer>[1]) => cancelDefaultAdminTransfer(client, parameters),
    /** {@link changeDefaultAdminDelay}, bound to this client. */
    changeDefaultAdminDelay: (parameters: Parameters<typeof changeDefaultAdminDelay>[1]) => changeDefaultAdminDelay(client, parameters),
    /** {@link rollbackDefaultAdminDelay}, bound to this client. */
    rollbackDefaultAdminDelay: (parameters?: Parameters<typeof rollbackDefaultAdminDelay>[1]) => rollbackDefaultAdminDelay(client, parameters),
    /** {@link getTierLimits}, bound to this client. */
    getTierLimits: (parameters: Parameters<typeof getTierLimits>[1]) => getTierLimits(client, parameters),
    /** {@link getTokenDomain}, bound to this client. */
    getTokenDomain: () => getTokenDomain(client),
    /** {@link getTokenMetadata}, bound to this client. */
    getTokenMetadata: () => getTokenMetadata(client),
    /** {@link getTotalSupply}, bound to this client. */
    getTotalSupply: (parameters?: Parameters<typeof getTotalSupply>[1]) => getTotalSupply(client, parameters),
    /** {@link getValidReserves}, bound to this client. */
    getValidReserves: (parameters?: Parameters<typeof getValidReserves>[1]) => getValidReserves(client, parameters),
    /** {@link getWallet}, bound to this client. */
    getWallet: (parameters: Parameters<typeof getWallet>[1]) => getWallet(client, parameters),
    /** {@link getWalletByAlias}, bound to this client. */
    getWalletByAlias: (parameters: Parameters<typeof getWalletByAlias>[1]) => getWalletByAlias(client, parameters),
    /** {@link grantRole}, bound to this client. */
    grantRole: (parameters: Parameters<typeof grantRole>[1]) => grantRole(client, parameters),
    /** {@link hasRole}, bound to this client. */
    hasRole: (parameters: Parameters<typeof hasRole>[1]) => hasRole(client, parameters),
    /** {@link isPaused}, bound to this client. */
    isPaused: (parameters?: Parameters<typeof isPaused>[1]) => isPaused(client, parameters),
    /** {@link isPaymentReferenceUsed}, bound to this client. */
    isPaymentReferenceUsed: (parameters: Parameters<typeof isPaymentReferenceUsed>[1]) => isPaymentReferenceUsed(client, parameters),
    /** {@link issue}, bound to this client. */
    issue: (parameters: Parameters<typeof issue>[1]) => issue(client, parameters),
    /** {@link linkAlias}, bound to this client. */
    linkAlias: (parameters: Parameters<typeof linkAlias>[1]) => linkAlias(client, parameters),
    /** {@link parsePaymentRequest}, bound to this client. */
    parsePaymentRequest: (parameters: Parameters<typeof parsePaymentRequest>[1]) => parsePaymentRequest(client, parameters),
    /** {@link pause}, bound to this client. */
    pause: () => pause(client),
    /** {@link permit}, bound to this client. */
    permit: (parameters: Parameters<typeof permit>[1]) => permit(client, parameters),
    /** {@link recoverWallet}, bound to this client. */
    recoverWallet: (parameters: Parameters<typeof recoverWallet>[1]) => recoverWallet(client, parameters),
    /** {@link reconcileTransfers}, bound to this client. */
    reconcileTransfers: (parameters: Parameters<typeof reconcileTransfers>[1]) => reconcileTransfers(client, parameters),
    /** {@link redeem}, bound to this client. */
    redeem: (parameters: Parameters<typeof redeem>[1]) => redeem(client, parameters),
    /** {@link registerWallet}, bound to this client. */
    registerWallet: (parameters: Parameters<typeof registerWallet>[1]) => registerWallet(client, parameters),
    /** {@link registerWallets}, bound to this client. */
    registerWallets: (parameters: Parameters<typeof registerWallets>[1]) => registerWallets(client, parameters),
    /** {@link releaseLot}, bound to this client. */
    releaseLot: (parameters: Parameters<typeof releaseLot>[1]) => releaseLot(client, parameters),
    /** {@link removeFromDenylist}, bound to this client. */
    removeFromDenylist: (parameters: Parameters<typeof removeFromDenylist>[1]) => removeFromDenylist(client, parameters),
    /** {@link renewAttestation}, bound to this client. */
    renewAttestation: (parameters: Parameters<typeof renewAttestation>[1]) => renewAttestation(client, parameters),
    /** {@link renounceRole}, bound to this client. */
    renounceRole: (parameters: Parameters<typeof renounceRole>[1]) => renounceRole(client, parameters),
    /** {@link resolveDispute}, bound to this client. */
    resolveDispute: (parameters: Parameters<typeof resolveDispute>[1]) => resolveDispute(client, parameters),
    /** {@link revokeRole}, bound to this client. */
    revokeRole: (parameters: Parameters<typeof revokeRole>[1]) => revokeRole(client, parameters),
    /** {@link seize}, bound to this client. */
    seize: (parameters: Parameters<typeof seize>[1]) => seize(client, parameters),
    /** {@link sendTransfers}, bound to this client. */
    sendTransfers: (parameters: Parameters<typeof sendTransfers>[1]) => sendTransfers(client, parameters),
    /** {@link setTierLimits}, bound to this client. */
    setTierLimits: (parameters: Parameters<typeof setTierLimits>[1]) => setTierLimits(client, parameters),
    /** {@link signPayment}, bound to this client. */
    signPayment: (parameters: Parameters<typeof signPayment>[1]) => signPayment(client, parameters),
    /** {@link signPermit}, bound to this client. */
    signPermit: (parameters: Parameters<typeof signPermit>[1]) => signPermit(client, parameters),
    /** {@link signTransfers}, bound to this client. */
    signTransfers: (parameters: Parameters<typeof signTransfers>[1]) => signTransfers(client, parameters),
    /** {@link submitPayment}, bound to this client. */
    submitPayment: (parameters: Parameters<typeof submitPayment>[1]) => submitPayment(client, parameters),
    /** {@link supportsInterface}, bound to this client. */
    supportsInterface: (parameters: Parameters<typeof supportsInterface>[1]) => supportsInterface(client, parameters),
    /** {@link transfer}, bound to this client. */
    transfer: (parameters: Parameters<typeof transfer>[1]) => transfer(client, parameters),
    /** {@link transferFrom}, bound to this client. */
    transferFrom: (parameters: Parameters<typeof transferFrom>[1]) => transferFrom(client, parameters),
    /** {@link unfreezeWallet}, bound to this client. */
    unfreezeWallet: (parameters: Parameters<typeof unfreezeWallet>[1]) => unfreezeWallet(client, parameters),
    /** {@link unpause}, bound to this client. */
    unpause: () => unpause(client),
    /** {@link updateWallet}, bound to this client. */
    updateWallet: (parameters: Parameters<typeof updateWallet>[1]) => updateWallet(client, parameters),
    /** {@link waitForTransaction}, bound to this client. */
    waitForTransaction: (parameters: Parameters<typeof waitForTransaction>[1]) => waitForTransaction(client, parameters),
  };
}

/** Every action, bound to a client. */
export type LedgerActions = ReturnType<typeof ledgerActions>;

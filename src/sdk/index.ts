/**
 * goods-ledger wallet SDK: a typed viem client for the ledger's contracts, with named errors, decimal-string
 * amounts, QR payments (EMVCo MPM + EIP-3009) and pipelined submission. Browser-safe: nothing here imports
 * from Node.
 *
 * @example
 * ```ts
 * import { createLedgerClient } from "./src/sdk/index.js";
 * const client = createLedgerClient({ deployment, rpcUrl, account });
 * await client.transfer({ to, amount: "12.50" });
 * ```
 */
export { goodsTokenAbi } from "./abi/goodsToken.js";
export { reserveRegistryAbi } from "./abi/reserveRegistry.js";
export * from "./actions/approve.js";
export * from "./actions/attestLot.js";
export * from "./actions/batchTransfer.js";
export * from "./actions/cancelAuthorization.js";
export * from "./actions/checkTransfer.js";
export * from "./actions/closeWallet.js";
export * from "./actions/createPaymentRequest.js";
export * from "./actions/denylist.js";
export * from "./actions/disputeLot.js";
export * from "./actions/freezeWallet.js";
export * from "./actions/getAllowance.js";
export * from "./actions/getAuthorizationState.js";
export * from "./actions/getAvailableToIssue.js";
export * from "./actions/getBalance.js";
export * from "./actions/getCurrentDay.js";
export * from "./actions/getGoodsRelease.js";
export * from "./actions/getGoodsReleaseCount.js";
export * from "./actions/getLimitLeftToday.js";
export * from "./actions/getLot.js";
export * from "./actions/getOutstandingSupply.js";
export * from "./actions/getPermitNonce.js";
export * from "./actions/getRemainingDailyOutflow.js";
export * from "./actions/getRoleAdmin.js";
export * from "./actions/getTierLimits.js";
export * from "./actions/getTokenDomain.js";
export * from "./actions/getTokenMetadata.js";
export * from "./actions/getTotalSupply.js";
export * from "./actions/getValidReserves.js";
export * from "./actions/getWallet.js";
export * from "./actions/getWalletByAlias.js";
export * from "./actions/grantRole.js";
export * from "./actions/hasRole.js";
export * from "./actions/isPaused.js";
export * from "./actions/isPaymentReferenceUsed.js";
export * from "./actions/issue.js";
export * from "./actions/linkAlias.js";
export * from "./actions/parsePaymentRequest.js";
export * from "./actions/pause.js";
export * from "./actions/permit.js";
export * from "./actions/recoverWallet.js";
export * from "./actions/redeem.js";
export * from "./actions/registerWallet.js";
export * from "./actions/registerWallets.js";
export * from "./actions/releaseLot.js";
export * from "./actions/removeFromDenylist.js";
export * from "./actions/renewAttestation.js";
export * from "./actions/renounceRole.js";
export * from "./actions/resolveDispute.js";
export * from "./actions/revokeRole.js";
export * from "./actions/seize.js";
export * from "./actions/sendTransfers.js";
export * from "./actions/setTierLimits.js";
export * from "./actions/signPayment.js";
export * from "./actions/signPermit.js";
export * from "./actions/signTransfers.js";
export * from "./actions/submitPayment.js";
export * from "./actions/supportsInterface.js";
export * from "./actions/transfer.js";
export * from "./actions/transferFrom.js";
export * from "./actions/unfreezeWallet.js";
export * from "./actions/unpause.js";
export * from "./actions/updateWallet.js";
export * from "./actions/waitForTransaction.js";
export * from "./amounts.js";
export * from "./bytes32.js";
export * from "./client.js";
export * from "./contractFunctions.js";
export * from "./decorator.js";
export * from "./errors/account.js";
export * from "./errors/amount.js";
export * from "./errors/base.js";
export * from "./errors/contract.js";
export * from "./errors/qr.js";
export * from "./errors/rpc.js";
export * from "./errors/toLedgerError.js";
export * from "./errors/types.js";
export * from "./lots.js";
export * from "./nonces.js";
export * from "./pipeline.js";
export * from "./qr/authorization.js";
export * from "./qr/emvco.js";
export * from "./qr/paymentRequest.js";
export * from "./qr/reference.js";
export * from "./roles.js";
export * from "./wallets.js";

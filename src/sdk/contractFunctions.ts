import type { ContractFunctionName } from "viem";
import type { goodsTokenAbi } from "./abi/goodsToken.js";
import type { reserveRegistryAbi } from "./abi/reserveRegistry.js";
import type { LedgerActions } from "./decorator.js";

/** Where a contract function is reached from the SDK: an action's name, or why it has no action of its own. */
export type FunctionCoverage = keyof LedgerActions | { noAction: string };

const ROLE_CONSTANT = { noAction: "a role id constant: use `roles` (src/sdk/roles.ts)" } as const;
const TYPEHASH = { noAction: "an EIP-712 type hash: signPayment and cancelAuthorization sign these types (paymentAuthorizationTypes, eip3009Types)" } as const;
const EIP3009_PLAIN = { noAction: "standard EIP-3009 with a random nonce, for wallets that speak it; QR payments use payWithAuthorization (submitPayment)" } as const;
/** Contract surface of contracts v2 (issue 8) that the SDK does not reach yet: the SDK/QR engineer maps each to its action. */
const PENDING_V2 = { noAction: "contracts v2 (issue 8): not reached by the SDK yet; the SDK engineer adds its action" } as const;
/** The migration's import path (docs/DESIGN.md §5): driven by `goods-ledger migrate` (scripts/lib/migrate), not an SDK action. */
const MIGRATION = { noAction: "the v1 → v2 migration's import (goods-ledger migrate drives it; docs/DESIGN.md §5)" } as const;
/** OpenZeppelin AccessControlDefaultAdminRules, on both contracts: each function's action. */
const DEFAULT_ADMIN_RULES = {
  acceptDefaultAdminTransfer: "acceptDefaultAdminTransfer",
  beginDefaultAdminTransfer: "beginDefaultAdminTransfer",
  cancelDefaultAdminTransfer: "cancelDefaultAdminTransfer",
  changeDefaultAdminDelay: "changeDefaultAdminDelay",
  rollbackDefaultAdminDelay: "rollbackDefaultAdminDelay",
  defaultAdmin: "getDefaultAdmin",
  defaultAdminDelay: "getDefaultAdmin",
  defaultAdminDelayIncreaseWait: "getDefaultAdmin",
  pendingDefaultAdmin: "getDefaultAdmin",
  pendingDefaultAdminDelay: "getDefaultAdmin",
  owner: "getDefaultAdmin",
} as const;
const TOKEN_ONLY = { noAction: "only the token may call it (issue and redeem record through it)" } as const;

/**
 * The SDK action for every GoodsToken function. `satisfies Record<function name, …>`: a new contract
 * function fails `npm run typecheck` until the SDK reaches it.
 *
 * @example
 * ```ts
 * tokenFunctionActions.forcedTransfer; // "seize"
 * ```
 */
export const tokenFunctionActions = {
  allowance: "getAllowance",
  approve: "approve",
  authorizationState: "getAuthorizationState",
  balanceOf: "getBalance",
  batchTransfer: "batchTransfer",
  cancelAuthorization: "cancelAuthorization",
  closeWallet: "closeWallet",
  currentDay: "getCurrentDay",
  decimals: "getTokenMetadata",
  denylist: "denylist",
  DOMAIN_SEPARATOR: "getTokenDomain",
  eip712Domain: "getTokenDomain",
  forcedTransfer: "seize",
  freezeWallet: "freezeWallet",
  getRoleAdmin: "getRoleAdmin",
  grantRole: "grantRole",
  hasRole: "hasRole",
  issue: "issue",
  linkAlias: "linkAlias",
  name: "getTokenMetadata",
  nonces: "getPermitNonce",
  pause: "pause",
  paused: "isPaused",
  paymentReferenceUsed: "isPaymentReferenceUsed",
  permit: "permit",
  receiveWithAuthorization: EIP3009_PLAIN,
  recoverWallet: "recoverWallet",
  redeem: "redeem",
  registerWallet: "registerWallet",
  registerWallets: "registerWallets",
  remainingDailyOutflow: "getRemainingDailyOutflow",
  removeFromDenylist: "removeFromDenylist",
  renounceRole: "renounceRole",
  reserveRegistry: { noAction: "the address is in the deployment (client.ledger.reserveRegistry)" },
  revokeRole: "revokeRole",
  setTierLimits: "setTierLimits",
  supportsInterface: "supportsInterface",
  symbol: "getTokenMetadata",
  tierLimits: "getTierLimits",
  totalSupply: "getTotalSupply",
  transfer: "transfer",
  transferFrom: "transferFrom",
  transferWithAuthorization: EIP3009_PLAIN,
  transferWithReference: "transfer",
  unfreezeWallet: "unfreezeWallet",
  unpause: "unpause",
  updateWallet: "updateWallet",
  walletByAlias: "getWalletByAlias",
  walletOf: "getWallet",
  CANCEL_AUTHORIZATION_TYPEHASH: TYPEHASH,
  RECEIVE_WITH_AUTHORIZATION_TYPEHASH: TYPEHASH,
  TRANSFER_WITH_AUTHORIZATION_TYPEHASH: TYPEHASH,
  PAYMENT_AUTHORIZATION_TYPEHASH: TYPEHASH,
  payWithAuthorization: "submitPayment",
  batchTransferPartial: "batchTransferPartial",
  paymentReference: { noAction: "computed offline by paymentReference() (src/sdk/qr/reference.ts); a test checks it against the contract" },
  ...DEFAULT_ADMIN_RULES,
  COMPLIANCE_ROLE: ROLE_CONSTANT,
  DEFAULT_ADMIN_ROLE: ROLE_CONSTANT,
  ISSUER_ROLE: ROLE_CONSTANT,
  PAUSER_ROLE: ROLE_CONSTANT,
  REGISTRAR_ROLE: ROLE_CONSTANT,
  MIGRATOR_ROLE: ROLE_CONSTANT,
  importWallets: MIGRATION,
  importLots: MIGRATION,
  sealMigration: MIGRATION,
  migrationState: MIGRATION,
} as const satisfies Record<ContractFunctionName<typeof goodsTokenAbi>, FunctionCoverage>;

/**
 * The SDK action for every ReserveRegistry function; same rule as {@link tokenFunctionActions}.
 *
 * @example
 * ```ts
 * reserveFunctionActions.lotInfo; // "getLot"
 * ```
 */
export const reserveFunctionActions = {
  attestLot: "attestLot",
  availableToIssue: "getAvailableToIssue",
  disputeLot: "disputeLot",
  getRoleAdmin: "getRoleAdmin",
  goodsRelease: "getGoodsRelease",
  goodsReleaseCount: "getGoodsReleaseCount",
  grantRole: "grantRole",
  hasRole: "hasRole",
  lotInfo: "getLot",
  outstandingSupply: "getOutstandingSupply",
  recordIssue: TOKEN_ONLY,
  recordRedemption: TOKEN_ONLY,
  importLots: TOKEN_ONLY,
  releaseLot: "releaseLot",
  renewAttestation: "renewAttestation",
  renounceRole: "renounceRole",
  resolveDispute: "resolveDispute",
  revokeRole: "revokeRole",
  supportsInterface: "supportsInterface",
  token: { noAction: "the address is in the deployment (client.ledger.token)" },
  validReserves: "getValidReserves",
  coverage: PENDING_V2,
  reassignLotCustodian: PENDING_V2,
  ...DEFAULT_ADMIN_RULES,
  AUDITOR_ROLE: ROLE_CONSTANT,
  CUSTODIAN_ROLE: ROLE_CONSTANT,
  DEFAULT_ADMIN_ROLE: ROLE_CONSTANT,
} as const satisfies Record<ContractFunctionName<typeof reserveRegistryAbi>, FunctionCoverage>;

import type { AccountRequiredError } from "./account.js";
import type { LedgerError } from "./base.js";
import type { ContractRevertError, LedgerContractErrorName } from "./contract.js";
import type { RpcConnectionError, RpcTimeoutError, RpcUnavailableError } from "./rpc.js";

/** The transport failures any action can throw. */
export type RpcErrorType = RpcConnectionError | RpcTimeoutError | RpcUnavailableError;

/** What a read action can throw. */
export type ReadErrorType = RpcErrorType | LedgerError;

/** What a write action can throw: the named contract errors it may revert with, plus the common ones. */
export type WriteErrorType<names extends LedgerContractErrorName = LedgerContractErrorName> =
  | ContractRevertError<names>
  | AccountRequiredError
  | RpcErrorType
  | LedgerError;

/** The rules of the one compliance check every value-moving path passes (DESIGN.md §3). */
export type TransferRuleErrorName =
  | "GoodsTokenPaused"
  | "WalletRegistryWalletNotRegistered"
  | "WalletRegistryWalletFrozen"
  | "WalletRegistryWalletClosed"
  | "WalletRegistryWalletDenylisted"
  | "WalletRegistryKycExpired"
  | "WalletRegistryTransferLimitExceeded"
  | "WalletRegistryDailyLimitExceeded"
  | "WalletRegistryBalanceLimitExceeded";

import {
  decodeErrorResult,
  type AbiParameterToPrimitiveType,
  type ContractErrorName,
  type Hex,
} from "viem";
import { goodsTokenAbi } from "../abi/goodsToken.js";
import { reserveRegistryAbi } from "../abi/reserveRegistry.js";
import { formatAmount, TOKEN_DECIMALS } from "../amounts.js";
import { roleName } from "../roles.js";
import { LedgerError } from "./base.js";

/** Every custom error either deployed contract can revert with (the token bubbles the reserve registry's up). */
export const ledgerErrorsAbi = [...goodsTokenAbi, ...reserveRegistryAbi].filter(
  (item): item is Extract<(typeof goodsTokenAbi | typeof reserveRegistryAbi)[number], { type: "error" }> => item.type === "error",
);

/** The ABI items of the ledger's custom errors. */
export type LedgerErrorAbi = typeof ledgerErrorsAbi;

/** Name of a Solidity custom error of the ledger, e.g. `"WalletRegistryWalletFrozen"`. */
export type LedgerContractErrorName = ContractErrorName<LedgerErrorAbi>;

/** The ABI item of the contracts' custom error `name` (its inputs give {@link ContractErrorArgs}). */
export type ErrorItem<name extends LedgerContractErrorName> = Extract<LedgerErrorAbi[number], { name: name }>;

/** A custom error's arguments by name, e.g. `{ account: Address }` for `WalletRegistryWalletFrozen`. */
export type ContractErrorArgs<name extends LedgerContractErrorName> = {
  [param in ErrorItem<name>["inputs"][number] as param["name"]]: AbiParameterToPrimitiveType<param>;
};

/**
 * A call reverted with one of the ledger's custom errors. Each Solidity error has a subclass (see
 * {@link contractErrors}) whose `shortMessage` names the rule in a sentence.
 *
 * @example
 * ```ts
 * catch (e) {
 *   if (e instanceof ContractRevertError) console.log(e.errorName, e.args, e.shortMessage);
 * }
 * ```
 */
export class ContractRevertError<name extends LedgerContractErrorName = LedgerContractErrorName> extends LedgerError {
  override name = "ContractRevertError";
  /** The Solidity error's name. */
  readonly errorName: name;
  /** Its arguments, by name. */
  readonly args: ContractErrorArgs<name>;
  /** The raw revert data. */
  readonly data: Hex;
  /**
   * @param errorName - the Solidity error's name.
   * @param args - its arguments by name.
   * @param sentence - the rule, as a sentence.
   * @param data - the raw revert data.
   */
  constructor(errorName: name, args: ContractErrorArgs<name>, sentence: string, data: Hex) {
    super(sentence, { metaMessages: [`Contract error: ${errorName}(${Object.values(args as object).map(String).join(", ")})`] });
    this.errorName = errorName;
    this.args = args;
    this.data = data;
  }
}

/** Constructor of one contract error class. */
export type ContractErrorClass<name extends LedgerContractErrorName> = new (args: ContractErrorArgs<name>, data: Hex) => ContractRevertError<name>;

function defineError<const name extends LedgerContractErrorName>(
  errorName: name,
  className: string,
  describe: (args: ContractErrorArgs<name>) => string,
): ContractErrorClass<name> {
  const errorClass = class extends ContractRevertError<name> {
    constructor(args: ContractErrorArgs<name>, data: Hex) {
      super(errorName, args, describe(args), data);
      this.name = className;
    }
  };
  Object.defineProperty(errorClass, "name", { value: className });
  return errorClass;
}

const money = (units: bigint) => formatAmount(units, TOKEN_DECIMALS, { minFractionDigits: 2 });
const day = (n: number | bigint) => new Date(Number(n) * 86_400_000).toISOString().slice(0, 10);
const time = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString();
const unlimited = (limit: bigint) => (limit >= 2n ** 64n - 1n ? "unlimited" : money(limit));

// ---- wallet registry ---------------------------------------------------------------------------------------

/** The zero address was given as a wallet. @example `catch (e) { if (e instanceof InvalidAccountError) … }` */
export const InvalidAccountError = defineError("WalletRegistryInvalidAccount", "InvalidAccountError", (a) => `${a.account} is not a valid wallet address`);
/** Instance type of {@link InvalidAccountError}. */
export type InvalidAccountError = InstanceType<typeof InvalidAccountError>;
/** Addresses are never registered twice. @example `catch (e) { if (e instanceof WalletAlreadyRegisteredError) … }` */
export const WalletAlreadyRegisteredError = defineError("WalletRegistryWalletAlreadyRegistered", "WalletAlreadyRegisteredError", (a) => `wallet ${a.account} is already registered (or was closed: addresses are never reused)`);
/** Instance type of {@link WalletAlreadyRegisteredError}. */
export type WalletAlreadyRegisteredError = InstanceType<typeof WalletAlreadyRegisteredError>;
/** The wallet is not registered. @example `catch (e) { if (e instanceof WalletNotRegisteredError) … }` */
export const WalletNotRegisteredError = defineError("WalletRegistryWalletNotRegistered", "WalletNotRegisteredError", (a) => `wallet ${a.account} is not registered`);
/** Instance type of {@link WalletNotRegisteredError}. */
export type WalletNotRegisteredError = InstanceType<typeof WalletNotRegisteredError>;
/** The wallet is frozen and can neither send nor receive. @example `catch (e) { if (e instanceof WalletFrozenError) … }` */
export const WalletFrozenError = defineError("WalletRegistryWalletFrozen", "WalletFrozenError", (a) => `wallet ${a.account} is frozen`);
/** Instance type of {@link WalletFrozenError}. */
export type WalletFrozenError = InstanceType<typeof WalletFrozenError>;
/** Unfreezing a wallet that is not frozen. @example `catch (e) { if (e instanceof WalletNotFrozenError) … }` */
export const WalletNotFrozenError = defineError("WalletRegistryWalletNotFrozen", "WalletNotFrozenError", (a) => `wallet ${a.account} is not frozen`);
/** Instance type of {@link WalletNotFrozenError}. */
export type WalletNotFrozenError = InstanceType<typeof WalletNotFrozenError>;
/** The wallet is closed for good. @example `catch (e) { if (e instanceof WalletClosedError) … }` */
export const WalletClosedError = defineError("WalletRegistryWalletClosed", "WalletClosedError", (a) => `wallet ${a.account} is closed`);
/** Instance type of {@link WalletClosedError}. */
export type WalletClosedError = InstanceType<typeof WalletClosedError>;
/** The address is on compliance's denylist. @example `catch (e) { if (e instanceof WalletDenylistedError) … }` */
export const WalletDenylistedError = defineError("WalletRegistryWalletDenylisted", "WalletDenylistedError", (a) => `wallet ${a.account} is on the denylist`);
/** Instance type of {@link WalletDenylistedError}. */
export type WalletDenylistedError = InstanceType<typeof WalletDenylistedError>;
/** Removing an address that is not denylisted. @example `catch (e) { if (e instanceof WalletNotDenylistedError) … }` */
export const WalletNotDenylistedError = defineError("WalletRegistryWalletNotDenylisted", "WalletNotDenylistedError", (a) => `wallet ${a.account} is not on the denylist`);
/** Instance type of {@link WalletNotDenylistedError}. */
export type WalletNotDenylistedError = InstanceType<typeof WalletNotDenylistedError>;
/** The wallet's KYC has expired. @example `catch (e) { if (e instanceof KycExpiredError) … }` */
export const KycExpiredError = defineError("WalletRegistryKycExpired", "KycExpiredError", (a) => `KYC of wallet ${a.account} expired on ${day(a.kycExpiryDay)}`);
/** Instance type of {@link KycExpiredError}. */
export type KycExpiredError = InstanceType<typeof KycExpiredError>;
/** A KYC expiry must be after today. @example `catch (e) { if (e instanceof InvalidKycExpiryError) … }` */
export const InvalidKycExpiryError = defineError("WalletRegistryInvalidKycExpiry", "InvalidKycExpiryError", (a) => `KYC expiry ${day(a.kycExpiryDay)} is not after today (${day(a.today)})`);
/** Instance type of {@link InvalidKycExpiryError}. */
export type InvalidKycExpiryError = InstanceType<typeof InvalidKycExpiryError>;
/** Roles are 1 (individual) to 4 (institution). @example `catch (e) { if (e instanceof InvalidRoleError) … }` */
export const InvalidRoleError = defineError("WalletRegistryInvalidRole", "InvalidRoleError", (a) => `role ${a.role} is not a wallet role (1 individual, 2 agent, 3 merchant, 4 institution)`);
/** Instance type of {@link InvalidRoleError}. */
export type InvalidRoleError = InstanceType<typeof InvalidRoleError>;
/** The tier has no limits configured. @example `catch (e) { if (e instanceof UnknownTierError) … }` */
export const UnknownTierError = defineError("WalletRegistryUnknownTier", "UnknownTierError", (a) => `tier ${a.tier} has no limits configured`);
/** Instance type of {@link UnknownTierError}. */
export type UnknownTierError = InstanceType<typeof UnknownTierError>;
/** Every tier limit must be non-zero. @example `catch (e) { if (e instanceof InvalidTierLimitsError) … }` */
export const InvalidTierLimitsError = defineError("WalletRegistryInvalidTierLimits", "InvalidTierLimitsError", (a) => `limits of tier ${a.tier} must all be non-zero (use the maximum for unlimited)`);
/** Instance type of {@link InvalidTierLimitsError}. */
export type InvalidTierLimitsError = InstanceType<typeof InvalidTierLimitsError>;
/** The zero alias commitment. @example `catch (e) { if (e instanceof InvalidAliasError) … }` */
export const InvalidAliasError = defineError("WalletRegistryInvalidAlias", "InvalidAliasError", () => "the alias commitment must not be zero");
/** Instance type of {@link InvalidAliasError}. */
export type InvalidAliasError = InstanceType<typeof InvalidAliasError>;
/** The alias is linked to another wallet. @example `catch (e) { if (e instanceof AliasTakenError) … }` */
export const AliasTakenError = defineError("WalletRegistryAliasTaken", "AliasTakenError", (a) => `the alias is already linked to wallet ${a.holder}`);
/** Instance type of {@link AliasTakenError}. */
export type AliasTakenError = InstanceType<typeof AliasTakenError>;
/** A wallet with a balance cannot be closed. @example `catch (e) { if (e instanceof BalanceNotZeroError) … }` */
export const BalanceNotZeroError = defineError("WalletRegistryBalanceNotZero", "BalanceNotZeroError", (a) => `wallet ${a.account} still holds ${money(a.balance)}: move or seize it before closing`);
/** Instance type of {@link BalanceNotZeroError}. */
export type BalanceNotZeroError = InstanceType<typeof BalanceNotZeroError>;
/** A batch registration without entries. @example `catch (e) { if (e instanceof RegistrationBatchEmptyError) … }` */
export const RegistrationBatchEmptyError = defineError("WalletRegistryEmptyBatch", "RegistrationBatchEmptyError", () => "the registration batch is empty");
/** Instance type of {@link RegistrationBatchEmptyError}. */
export type RegistrationBatchEmptyError = InstanceType<typeof RegistrationBatchEmptyError>;
/** An imported wallet's status is not active, frozen or closed. @example `catch (e) { if (e instanceof InvalidWalletStatusError) … }` */
export const InvalidWalletStatusError = defineError("WalletRegistryInvalidStatus", "InvalidWalletStatusError", (a) => `wallet ${a.account} cannot be imported with status ${a.status}: only active (1), frozen (2) or closed (3)`);
/** Instance type of {@link InvalidWalletStatusError}. */
export type InvalidWalletStatusError = InstanceType<typeof InvalidWalletStatusError>;
/** Over the tier's single-transfer limit. @example `catch (e) { if (e instanceof TransferLimitExceededError) … }` */
export const TransferLimitExceededError = defineError("WalletRegistryTransferLimitExceeded", "TransferLimitExceededError", (a) => `single-transfer limit of tier ${a.tier} exceeded: at most ${money(a.maxTransfer)} per transfer, asked ${money(a.amount)}`);
/** Instance type of {@link TransferLimitExceededError}. */
export type TransferLimitExceededError = InstanceType<typeof TransferLimitExceededError>;
/** Over today's outflow limit. @example `catch (e) { if (e instanceof DailyLimitExceededError) console.log(e.args.remaining); }` */
export const DailyLimitExceededError = defineError("WalletRegistryDailyLimitExceeded", "DailyLimitExceededError", (a) => `daily limit of tier ${a.tier} exceeded: ${money(a.remaining)} left today, asked ${money(a.amount)}`);
/** Instance type of {@link DailyLimitExceededError}. */
export type DailyLimitExceededError = InstanceType<typeof DailyLimitExceededError>;
/** The recipient would go over its maximum balance. @example `catch (e) { if (e instanceof BalanceLimitExceededError) … }` */
export const BalanceLimitExceededError = defineError("WalletRegistryBalanceLimitExceeded", "BalanceLimitExceededError", (a) => `balance limit of tier ${a.tier} exceeded for ${a.account}: at most ${unlimited(a.maxBalance)}, would hold ${money(a.balanceAfter)}`);
/** Instance type of {@link BalanceLimitExceededError}. */
export type BalanceLimitExceededError = InstanceType<typeof BalanceLimitExceededError>;

// ---- token --------------------------------------------------------------------------------------------------

/** Deployed with a zero admin. @example `catch (e) { if (e instanceof TokenInvalidAdminError) … }` */
export const TokenInvalidAdminError = defineError("GoodsTokenInvalidAdmin", "TokenInvalidAdminError", (a) => `${a.admin} cannot be the token's admin`);
/** Instance type of {@link TokenInvalidAdminError}. */
export type TokenInvalidAdminError = InstanceType<typeof TokenInvalidAdminError>;
/** The token is paused. @example `catch (e) { if (e instanceof TokenPausedError) … }` */
export const TokenPausedError = defineError("GoodsTokenPaused", "TokenPausedError", () => "the token is paused: transfers, issues and redemptions are stopped");
/** Instance type of {@link TokenPausedError}. */
export type TokenPausedError = InstanceType<typeof TokenPausedError>;
/** Unpausing a token that is not paused. @example `catch (e) { if (e instanceof TokenNotPausedError) … }` */
export const TokenNotPausedError = defineError("GoodsTokenNotPaused", "TokenNotPausedError", () => "the token is not paused");
/** Instance type of {@link TokenNotPausedError}. */
export type TokenNotPausedError = InstanceType<typeof TokenNotPausedError>;
/** Issue, redeem and seizure need an amount above zero. @example `catch (e) { if (e instanceof ZeroAmountError) … }` */
export const ZeroAmountError = defineError("GoodsTokenZeroAmount", "ZeroAmountError", () => "the amount must be above zero");
/** Instance type of {@link ZeroAmountError}. */
export type ZeroAmountError = InstanceType<typeof ZeroAmountError>;
/** A batch transfer without recipients. @example `catch (e) { if (e instanceof TransferBatchEmptyError) … }` */
export const TransferBatchEmptyError = defineError("GoodsTokenEmptyBatch", "TransferBatchEmptyError", () => "the transfer batch is empty");
/** Instance type of {@link TransferBatchEmptyError}. */
export type TransferBatchEmptyError = InstanceType<typeof TransferBatchEmptyError>;
/** Recipients and amounts differ in length. @example `catch (e) { if (e instanceof BatchLengthMismatchError) … }` */
export const BatchLengthMismatchError = defineError("GoodsTokenBatchLengthMismatch", "BatchLengthMismatchError", (a) => `the batch has ${a.recipients} recipients but ${a.amounts} amounts`);
/** Instance type of {@link BatchLengthMismatchError}. */
export type BatchLengthMismatchError = InstanceType<typeof BatchLengthMismatchError>;
/** This signed payment was already used or canceled. @example `catch (e) { if (e instanceof AuthorizationUsedError) … }` */
export const AuthorizationUsedError = defineError("GoodsTokenAuthorizationUsed", "AuthorizationUsedError", (a) => `authorization ${a.nonce} of ${a.authorizer} was already used or canceled`);
/** Instance type of {@link AuthorizationUsedError}. */
export type AuthorizationUsedError = InstanceType<typeof AuthorizationUsedError>;
/** The authorization's window has not opened. @example `catch (e) { if (e instanceof AuthorizationNotYetValidError) … }` */
export const AuthorizationNotYetValidError = defineError("GoodsTokenAuthorizationNotYetValid", "AuthorizationNotYetValidError", (a) => `the authorization is valid only after ${time(a.validAfter)}`);
/** Instance type of {@link AuthorizationNotYetValidError}. */
export type AuthorizationNotYetValidError = InstanceType<typeof AuthorizationNotYetValidError>;
/** The authorization's window has closed. @example `catch (e) { if (e instanceof AuthorizationExpiredError) … }` */
export const AuthorizationExpiredError = defineError("GoodsTokenAuthorizationExpired", "AuthorizationExpiredError", (a) => `the authorization expired at ${time(a.validBefore)}`);
/** Instance type of {@link AuthorizationExpiredError}. */
export type AuthorizationExpiredError = InstanceType<typeof AuthorizationExpiredError>;
/** The signature is not the signer's. @example `catch (e) { if (e instanceof InvalidSignatureError) … }` */
export const InvalidSignatureError = defineError("GoodsTokenInvalidSignature", "InvalidSignatureError", (a) => `the signature is not ${a.signer}'s over this authorization`);
/** Instance type of {@link InvalidSignatureError}. */
export type InvalidSignatureError = InstanceType<typeof InvalidSignatureError>;
/** Only the payee may submit a receive-authorization. @example `catch (e) { if (e instanceof CallerNotPayeeError) … }` */
export const CallerNotPayeeError = defineError("GoodsTokenCallerNotPayee", "CallerNotPayeeError", (a) => `only the payee ${a.payee} may submit this authorization, not ${a.caller}`);
/** Instance type of {@link CallerNotPayeeError}. */
export type CallerNotPayeeError = InstanceType<typeof CallerNotPayeeError>;
/** This single-use payment request is already paid. @example `catch (e) { if (e instanceof PaymentReferenceUsedError) … }` */
export const PaymentReferenceUsedError = defineError("GoodsTokenPaymentReferenceUsed", "PaymentReferenceUsedError", (a) => `payment request ${a.ref} to ${a.payee} has already been paid (first paid wins)`);
/** Instance type of {@link PaymentReferenceUsedError}. */
export type PaymentReferenceUsedError = InstanceType<typeof PaymentReferenceUsedError>;
/** The permit's deadline has passed. @example `catch (e) { if (e instanceof PermitExpiredError) … }` */
export const PermitExpiredError = defineError("GoodsTokenPermitExpired", "PermitExpiredError", (a) => `the permit expired at ${time(a.deadline)}`);
/** Instance type of {@link PermitExpiredError}. */
export type PermitExpiredError = InstanceType<typeof PermitExpiredError>;
/** A signed transfer of value 0 is refused (it would spend a nonce or a payment request for nothing). @example `catch (e) { if (e instanceof ZeroValueAuthorizationError) … }` */
export const ZeroValueAuthorizationError = defineError("GoodsTokenZeroValueAuthorization", "ZeroValueAuthorizationError", (a) => `an authorization of value 0 is refused (${a.authorizer}, nonce ${a.nonce}): it would spend the nonce or the payment request for nothing`);
/** Instance type of {@link ZeroValueAuthorizationError}. */
export type ZeroValueAuthorizationError = InstanceType<typeof ZeroValueAuthorizationError>;
/** The migration's import is sealed: nothing can be imported any more. @example `catch (e) { if (e instanceof MigrationSealedError) … }` */
export const MigrationSealedError = defineError("GoodsTokenMigrationSealed", "MigrationSealedError", () => "the migration's import is sealed: no wallet or lot can be imported any more");
/** Instance type of {@link MigrationSealedError}. */
export type MigrationSealedError = InstanceType<typeof MigrationSealedError>;
/** The imported balances differ from the imported lots' outstanding amounts (seal), or an open import blocks unpause. @example `catch (e) { if (e instanceof MigrationUnbalancedError) … }` */
export const MigrationUnbalancedError = defineError("GoodsTokenMigrationUnbalanced", "MigrationUnbalancedError", (a) => `the migration's import is open and unsealed: imported balances ${money(a.balances)} against ${money(a.lotsOutstanding)} outstanding on the imported lots (seal needs them equal)`);
/** Instance type of {@link MigrationUnbalancedError}. */
export type MigrationUnbalancedError = InstanceType<typeof MigrationUnbalancedError>;

// ---- reserve registry ---------------------------------------------------------------------------------------

/** Only the token records issues and redemptions. @example `catch (e) { if (e instanceof CallerNotTokenError) … }` */
export const CallerNotTokenError = defineError("ReserveRegistryCallerNotToken", "CallerNotTokenError", (a) => `only the token may record issues and redemptions, not ${a.caller}`);
/** Instance type of {@link CallerNotTokenError}. */
export type CallerNotTokenError = InstanceType<typeof CallerNotTokenError>;
/** Deployed with a zero admin. @example `catch (e) { if (e instanceof ReserveInvalidAdminError) … }` */
export const ReserveInvalidAdminError = defineError("ReserveRegistryInvalidAdmin", "ReserveInvalidAdminError", (a) => `${a.admin} cannot be the reserve registry's admin`);
/** Instance type of {@link ReserveInvalidAdminError}. */
export type ReserveInvalidAdminError = InstanceType<typeof ReserveInvalidAdminError>;
/** The zero lot id. @example `catch (e) { if (e instanceof InvalidLotIdError) … }` */
export const InvalidLotIdError = defineError("ReserveRegistryInvalidLotId", "InvalidLotIdError", () => "the lot id must not be zero");
/** Instance type of {@link InvalidLotIdError}. */
export type InvalidLotIdError = InstanceType<typeof InvalidLotIdError>;
/** A lot with this id exists. @example `catch (e) { if (e instanceof LotExistsError) … }` */
export const LotExistsError = defineError("ReserveRegistryLotExists", "LotExistsError", (a) => `lot ${a.lot} already exists`);
/** Instance type of {@link LotExistsError}. */
export type LotExistsError = InstanceType<typeof LotExistsError>;
/** No lot with this id. @example `catch (e) { if (e instanceof UnknownLotError) … }` */
export const UnknownLotError = defineError("ReserveRegistryUnknownLot", "UnknownLotError", (a) => `lot ${a.lot} does not exist`);
/** Instance type of {@link UnknownLotError}. */
export type UnknownLotError = InstanceType<typeof UnknownLotError>;
/** A valuation of zero. @example `catch (e) { if (e instanceof InvalidValuationError) … }` */
export const InvalidValuationError = defineError("ReserveRegistryInvalidValuation", "InvalidValuationError", (a) => `valuation ${money(a.valuation)} of lot ${a.lot} is not valid`);
/** Instance type of {@link InvalidValuationError}. */
export type InvalidValuationError = InstanceType<typeof InvalidValuationError>;
/** A renewal would value the goods in custody below what is outstanding against the lot. @example `catch (e) { if (e instanceof ValuationBelowOutstandingError) console.log(e.args.outstanding); }` */
export const ValuationBelowOutstandingError = defineError("ReserveRegistryValuationBelowOutstanding", "ValuationBelowOutstandingError", (a) => `the goods in custody of lot ${a.lot} would be worth ${money(a.reserveValue)}, below the ${money(a.outstanding)} outstanding against it`);
/** Instance type of {@link ValuationBelowOutstandingError}. */
export type ValuationBelowOutstandingError = InstanceType<typeof ValuationBelowOutstandingError>;
/** A renewal must cover exactly the goods still in custody. @example `catch (e) { if (e instanceof QuantityMismatchError) console.log(e.args.inCustody); }` */
export const QuantityMismatchError = defineError("ReserveRegistryQuantityMismatch", "QuantityMismatchError", (a) => `lot ${a.lot} has ${a.inCustody} units of goods in custody, the renewal covers ${a.attested}`);
/** Instance type of {@link QuantityMismatchError}. */
export type QuantityMismatchError = InstanceType<typeof QuantityMismatchError>;
/** A redemption must release at least one goods unit. @example `catch (e) { if (e instanceof RedemptionBelowUnitValueError) console.log(e.args.unitValue); }` */
export const RedemptionBelowUnitValueError = defineError("ReserveRegistryRedemptionBelowUnitValue", "RedemptionBelowUnitValueError", (a) => `redeeming ${money(a.amount)} against lot ${a.lot} would release no goods: one unit is worth ${money(a.unitValue)}`);
/** Instance type of {@link RedemptionBelowUnitValueError}. */
export type RedemptionBelowUnitValueError = InstanceType<typeof RedemptionBelowUnitValueError>;
/** A lot can only be reassigned to a custodian. @example `catch (e) { if (e instanceof InvalidCustodianError) … }` */
export const InvalidCustodianError = defineError("ReserveRegistryInvalidCustodian", "InvalidCustodianError", (a) => `${a.account} does not hold CUSTODIAN_ROLE, so no lot can be assigned to it`);
/** Instance type of {@link InvalidCustodianError}. */
export type InvalidCustodianError = InstanceType<typeof InvalidCustodianError>;
/** A quantity of zero. @example `catch (e) { if (e instanceof InvalidQuantityError) … }` */
export const InvalidQuantityError = defineError("ReserveRegistryInvalidQuantity", "InvalidQuantityError", (a) => `quantity of lot ${a.lot} must be above zero`);
/** Instance type of {@link InvalidQuantityError}. */
export type InvalidQuantityError = InstanceType<typeof InvalidQuantityError>;
/** A zero attestation hash. @example `catch (e) { if (e instanceof InvalidAttestationHashError) … }` */
export const InvalidAttestationHashError = defineError("ReserveRegistryInvalidAttestationHash", "InvalidAttestationHashError", (a) => `attestation hash of lot ${a.lot} must not be zero`);
/** Instance type of {@link InvalidAttestationHashError}. */
export type InvalidAttestationHashError = InstanceType<typeof InvalidAttestationHashError>;
/** An attestation must expire after today. @example `catch (e) { if (e instanceof InvalidExpiryError) … }` */
export const InvalidExpiryError = defineError("ReserveRegistryInvalidExpiry", "InvalidExpiryError", (a) => `expiry ${time(a.expiresAt)} of lot ${a.lot} is not after today`);
/** Instance type of {@link InvalidExpiryError}. */
export type InvalidExpiryError = InstanceType<typeof InvalidExpiryError>;
/** The lot's attestation has expired. @example `catch (e) { if (e instanceof LotExpiredError) … }` */
export const LotExpiredError = defineError("ReserveRegistryLotExpired", "LotExpiredError", (a) => `the attestation of lot ${a.lot} expired (${time(a.expiresAt)})`);
/** Instance type of {@link LotExpiredError}. */
export type LotExpiredError = InstanceType<typeof LotExpiredError>;
/** The lot is disputed. @example `catch (e) { if (e instanceof LotDisputedError) … }` */
export const LotDisputedError = defineError("ReserveRegistryLotDisputed", "LotDisputedError", (a) => `lot ${a.lot} is disputed`);
/** Instance type of {@link LotDisputedError}. */
export type LotDisputedError = InstanceType<typeof LotDisputedError>;
/** Resolving a lot that is not disputed. @example `catch (e) { if (e instanceof LotNotDisputedError) … }` */
export const LotNotDisputedError = defineError("ReserveRegistryLotNotDisputed", "LotNotDisputedError", (a) => `lot ${a.lot} is not disputed`);
/** Instance type of {@link LotNotDisputedError}. */
export type LotNotDisputedError = InstanceType<typeof LotNotDisputedError>;
/** The lot has been released. @example `catch (e) { if (e instanceof LotReleasedError) … }` */
export const LotReleasedError = defineError("ReserveRegistryLotReleased", "LotReleasedError", (a) => `lot ${a.lot} has been released`);
/** Instance type of {@link LotReleasedError}. */
export type LotReleasedError = InstanceType<typeof LotReleasedError>;
/** Only the lot's custodian may renew or release it. @example `catch (e) { if (e instanceof NotLotCustodianError) … }` */
export const NotLotCustodianError = defineError("ReserveRegistryNotLotCustodian", "NotLotCustodianError", (a) => `only lot ${a.lot}'s custodian ${a.custodian} may do this, not ${a.caller}`);
/** Instance type of {@link NotLotCustodianError}. */
export type NotLotCustodianError = InstanceType<typeof NotLotCustodianError>;
/** Issuance over the lot's valuation. @example `catch (e) { if (e instanceof LotCapacityExceededError) console.log(e.args.available); }` */
export const LotCapacityExceededError = defineError("ReserveRegistryLotCapacityExceeded", "LotCapacityExceededError", (a) => `lot ${a.lot} can back only ${money(a.available)} more, asked ${money(a.needed)}`);
/** Instance type of {@link LotCapacityExceededError}. */
export type LotCapacityExceededError = InstanceType<typeof LotCapacityExceededError>;
/** Total supply would exceed valid reserves. @example `catch (e) { if (e instanceof ReservesExceededError) … }` */
export const ReservesExceededError = defineError("ReserveRegistryReservesExceeded", "ReservesExceededError", (a) => `total supply would be ${money(a.supplyAfter)}, above the ${money(a.validReserves)} of valid reserves`);
/** Instance type of {@link ReservesExceededError}. */
export type ReservesExceededError = InstanceType<typeof ReservesExceededError>;
/** Redeeming more than is outstanding. @example `catch (e) { if (e instanceof RedemptionExceedsOutstandingError) … }` */
export const RedemptionExceedsOutstandingError = defineError("ReserveRegistryRedemptionExceedsOutstanding", "RedemptionExceedsOutstandingError", (a) => `only ${money(a.outstanding)} is outstanding against lot ${a.lot}, asked to redeem ${money(a.amount)}`);
/** Instance type of {@link RedemptionExceedsOutstandingError}. */
export type RedemptionExceedsOutstandingError = InstanceType<typeof RedemptionExceedsOutstandingError>;
/** A lot with tokens outstanding cannot be released. @example `catch (e) { if (e instanceof LotOutstandingError) … }` */
export const LotOutstandingError = defineError("ReserveRegistryLotOutstanding", "LotOutstandingError", (a) => `lot ${a.lot} still backs ${money(a.outstanding)}: redeem it before releasing`);
/** Instance type of {@link LotOutstandingError}. */
export type LotOutstandingError = InstanceType<typeof LotOutstandingError>;
/** Reserves beyond what the aggregate holds. @example `catch (e) { if (e instanceof ReservesOverflowError) … }` */
export const ReservesOverflowError = defineError("ReserveRegistryReservesOverflow", "ReservesOverflowError", (a) => `adding ${money(a.added)} would overflow the reserves total (${money(a.validReserves)})`);
/** Instance type of {@link ReservesOverflowError}. */
export type ReservesOverflowError = InstanceType<typeof ReservesOverflowError>;
/** An imported lot's released goods exceed its quantity. @example `catch (e) { if (e instanceof ReleasedExceedsQuantityError) … }` */
export const ReleasedExceedsQuantityError = defineError("ReserveRegistryReleasedExceedsQuantity", "ReleasedExceedsQuantityError", (a) => `lot ${a.lot} cannot be imported: ${a.released} goods units released of ${a.quantity} attested`);
/** Instance type of {@link ReleasedExceedsQuantityError}. */
export type ReleasedExceedsQuantityError = InstanceType<typeof ReleasedExceedsQuantityError>;

// ---- inherited from OpenZeppelin -----------------------------------------------------------------------------

/** The caller lacks the role this function needs. @example `catch (e) { if (e instanceof UnauthorizedAccountError) console.log(e.args.neededRole); }` */
export const UnauthorizedAccountError = defineError("AccessControlUnauthorizedAccount", "UnauthorizedAccountError", (a) => `${a.account} does not hold ${roleName(a.neededRole) ?? a.neededRole}`);
/** Instance type of {@link UnauthorizedAccountError}. */
export type UnauthorizedAccountError = InstanceType<typeof UnauthorizedAccountError>;
/** `renounceRole` must name the caller itself. @example `catch (e) { if (e instanceof BadConfirmationError) … }` */
export const BadConfirmationError = defineError("AccessControlBadConfirmation", "BadConfirmationError", () => "an account can only renounce its own roles");
/** Instance type of {@link BadConfirmationError}. */
export type BadConfirmationError = InstanceType<typeof BadConfirmationError>;
/** The default admin role is granted, revoked and renounced only through the two-step transfer. @example `catch (e) { if (e instanceof EnforcedDefaultAdminRulesError) … }` */
export const EnforcedDefaultAdminRulesError = defineError("AccessControlEnforcedDefaultAdminRules", "EnforcedDefaultAdminRulesError", () => "the admin role moves only by the two-step transfer (begin, wait the delay, accept), never by grant, revoke or a one-call renounce");
/** Instance type of {@link EnforcedDefaultAdminRulesError}. */
export type EnforcedDefaultAdminRulesError = InstanceType<typeof EnforcedDefaultAdminRulesError>;
/** The admin transfer's delay has not passed yet (or was never scheduled). @example `catch (e) { if (e instanceof EnforcedDefaultAdminDelayError) console.log(e.args.schedule); }` */
export const EnforcedDefaultAdminDelayError = defineError("AccessControlEnforcedDefaultAdminDelay", "EnforcedDefaultAdminDelayError", (a) => (a.schedule === 0 ? "no admin transfer or renounce is scheduled" : `the admin transfer can be completed only after ${time(BigInt(a.schedule))}`));
/** Instance type of {@link EnforcedDefaultAdminDelayError}. */
export type EnforcedDefaultAdminDelayError = InstanceType<typeof EnforcedDefaultAdminDelayError>;
/** Only the pending admin may accept, and the zero address cannot be admin. @example `catch (e) { if (e instanceof InvalidDefaultAdminError) … }` */
export const InvalidDefaultAdminError = defineError("AccessControlInvalidDefaultAdmin", "InvalidDefaultAdminError", (a) => `${a.defaultAdmin} is not the pending admin (or is the zero address)`);
/** Instance type of {@link InvalidDefaultAdminError}. */
export type InvalidDefaultAdminError = InstanceType<typeof InvalidDefaultAdminError>;
/** The sender's balance is too low. @example `catch (e) { if (e instanceof InsufficientBalanceError) console.log(e.args.balance); }` */
export const InsufficientBalanceError = defineError("ERC20InsufficientBalance", "InsufficientBalanceError", (a) => `${a.sender} holds ${money(a.balance)}, not the ${money(a.needed)} needed`);
/** Instance type of {@link InsufficientBalanceError}. */
export type InsufficientBalanceError = InstanceType<typeof InsufficientBalanceError>;
/** The spender's allowance is too low. @example `catch (e) { if (e instanceof InsufficientAllowanceError) … }` */
export const InsufficientAllowanceError = defineError("ERC20InsufficientAllowance", "InsufficientAllowanceError", (a) => `${a.spender} may move only ${money(a.allowance)}, not ${money(a.needed)}`);
/** Instance type of {@link InsufficientAllowanceError}. */
export type InsufficientAllowanceError = InstanceType<typeof InsufficientAllowanceError>;
/** The zero address as approver. @example `catch (e) { if (e instanceof InvalidApproverError) … }` */
export const InvalidApproverError = defineError("ERC20InvalidApprover", "InvalidApproverError", (a) => `${a.approver} cannot approve`);
/** Instance type of {@link InvalidApproverError}. */
export type InvalidApproverError = InstanceType<typeof InvalidApproverError>;
/** The zero address as recipient. @example `catch (e) { if (e instanceof InvalidReceiverError) … }` */
export const InvalidReceiverError = defineError("ERC20InvalidReceiver", "InvalidReceiverError", (a) => `${a.receiver} cannot receive tokens`);
/** Instance type of {@link InvalidReceiverError}. */
export type InvalidReceiverError = InstanceType<typeof InvalidReceiverError>;
/** The zero address as sender. @example `catch (e) { if (e instanceof InvalidSenderError) … }` */
export const InvalidSenderError = defineError("ERC20InvalidSender", "InvalidSenderError", (a) => `${a.sender} cannot send tokens`);
/** Instance type of {@link InvalidSenderError}. */
export type InvalidSenderError = InstanceType<typeof InvalidSenderError>;
/** The zero address as spender. @example `catch (e) { if (e instanceof InvalidSpenderError) … }` */
export const InvalidSpenderError = defineError("ERC20InvalidSpender", "InvalidSpenderError", (a) => `${a.spender} cannot be approved`);
/** Instance type of {@link InvalidSpenderError}. */
export type InvalidSpenderError = InstanceType<typeof InvalidSpenderError>;
/** A permit signed for another nonce (already used, or signed out of order). @example `catch (e) { if (e instanceof InvalidAccountNonceError) … }` */
export const InvalidAccountNonceError = defineError("InvalidAccountNonce", "InvalidAccountNonceError", (a) => `the permit's nonce is not ${a.account}'s next one (${a.currentNonce})`);
/** Instance type of {@link InvalidAccountNonceError}. */
/** A value did not fit a smaller integer type (OpenZeppelin SafeCast; the admin rules cast timestamps to 48 bits). @example `catch (e) { if (e instanceof SafeCastOverflowError) … }` */
export const SafeCastOverflowError = defineError("SafeCastOverflowedUintDowncast", "SafeCastOverflowError", (a) => `${a.value} does not fit in ${a.bits} bits`);
/** Instance type of {@link SafeCastOverflowError}. */
export type SafeCastOverflowError = InstanceType<typeof SafeCastOverflowError>;
export type InvalidAccountNonceError = InstanceType<typeof InvalidAccountNonceError>;
/** A malformed short string in the EIP-712 domain (deployment only). @example `catch (e) { if (e instanceof InvalidShortStringError) … }` */
export const InvalidShortStringError = defineError("InvalidShortString", "InvalidShortStringError", () => "the token's EIP-712 name or version is malformed");
/** Instance type of {@link InvalidShortStringError}. */
export type InvalidShortStringError = InstanceType<typeof InvalidShortStringError>;
/** The EIP-712 name or version is too long (deployment only). @example `catch (e) { if (e instanceof StringTooLongError) … }` */
export const StringTooLongError = defineError("StringTooLong", "StringTooLongError", (a) => `"${a.str}" is too long for the EIP-712 domain`);
/** Instance type of {@link StringTooLongError}. */
export type StringTooLongError = InstanceType<typeof StringTooLongError>;

/**
 * The class of every Solidity custom error, by name. `satisfies Record<LedgerContractErrorName, …>`: a
 * Solidity error without a class here fails `npm run typecheck`.
 *
 * @example
 * ```ts
 * const ErrorClass = contractErrors.WalletRegistryWalletFrozen; // WalletFrozenError
 * ```
 */
export const contractErrors = {
  WalletRegistryInvalidAccount: InvalidAccountError,
  WalletRegistryWalletAlreadyRegistered: WalletAlreadyRegisteredError,
  WalletRegistryWalletNotRegistered: WalletNotRegisteredError,
  WalletRegistryWalletFrozen: WalletFrozenError,
  WalletRegistryWalletNotFrozen: WalletNotFrozenError,
  WalletRegistryWalletClosed: WalletClosedError,
  WalletRegistryWalletDenylisted: WalletDenylistedError,
  WalletRegistryWalletNotDenylisted: WalletNotDenylistedError,
  WalletRegistryKycExpired: KycExpiredError,
  WalletRegistryInvalidKycExpiry: InvalidKycExpiryError,
  WalletRegistryInvalidRole: InvalidRoleError,
  WalletRegistryUnknownTier: UnknownTierError,
  WalletRegistryInvalidTierLimits: InvalidTierLimitsError,
  WalletRegistryInvalidAlias: InvalidAliasError,
  WalletRegistryAliasTaken: AliasTakenError,
  WalletRegistryBalanceNotZero: BalanceNotZeroError,
  WalletRegistryEmptyBatch: RegistrationBatchEmptyError,
  WalletRegistryInvalidStatus: InvalidWalletStatusError,
  WalletRegistryTransferLimitExceeded: TransferLimitExceededError,
  WalletRegistryDailyLimitExceeded: DailyLimitExceededError,
  WalletRegistryBalanceLimitExceeded: BalanceLimitExceededError,
  GoodsTokenInvalidAdmin: TokenInvalidAdminError,
  GoodsTokenPaused: TokenPausedError,
  GoodsTokenNotPaused: TokenNotPausedError,
  GoodsTokenZeroAmount: ZeroAmountError,
  GoodsTokenEmptyBatch: TransferBatchEmptyError,
  GoodsTokenBatchLengthMismatch: BatchLengthMismatchError,
  GoodsTokenAuthorizationUsed: AuthorizationUsedError,
  GoodsTokenAuthorizationNotYetValid: AuthorizationNotYetValidError,
  GoodsTokenAuthorizationExpired: AuthorizationExpiredError,
  GoodsTokenInvalidSignature: InvalidSignatureError,
  GoodsTokenCallerNotPayee: CallerNotPayeeError,
  GoodsTokenPaymentReferenceUsed: PaymentReferenceUsedError,
  GoodsTokenPermitExpired: PermitExpiredError,
  GoodsTokenZeroValueAuthorization: ZeroValueAuthorizationError,
  GoodsTokenMigrationSealed: MigrationSealedError,
  GoodsTokenMigrationUnbalanced: MigrationUnbalancedError,
  ReserveRegistryCallerNotToken: CallerNotTokenError,
  ReserveRegistryInvalidAdmin: ReserveInvalidAdminError,
  ReserveRegistryInvalidLotId: InvalidLotIdError,
  ReserveRegistryLotExists: LotExistsError,
  ReserveRegistryUnknownLot: UnknownLotError,
  ReserveRegistryInvalidValuation: InvalidValuationError,
  ReserveRegistryValuationBelowOutstanding: ValuationBelowOutstandingError,
  ReserveRegistryQuantityMismatch: QuantityMismatchError,
  ReserveRegistryRedemptionBelowUnitValue: RedemptionBelowUnitValueError,
  ReserveRegistryInvalidCustodian: InvalidCustodianError,
  ReserveRegistryInvalidQuantity: InvalidQuantityError,
  ReserveRegistryInvalidAttestationHash: InvalidAttestationHashError,
  ReserveRegistryInvalidExpiry: InvalidExpiryError,
  ReserveRegistryLotExpired: LotExpiredError,
  ReserveRegistryLotDisputed: LotDisputedError,
  ReserveRegistryLotNotDisputed: LotNotDisputedError,
  ReserveRegistryLotReleased: LotReleasedError,
  ReserveRegistryNotLotCustodian: NotLotCustodianError,
  ReserveRegistryLotCapacityExceeded: LotCapacityExceededError,
  ReserveRegistryReservesExceeded: ReservesExceededError,
  ReserveRegistryRedemptionExceedsOutstanding: RedemptionExceedsOutstandingError,
  ReserveRegistryLotOutstanding: LotOutstandingError,
  ReserveRegistryReservesOverflow: ReservesOverflowError,
  ReserveRegistryReleasedExceedsQuantity: ReleasedExceedsQuantityError,
  AccessControlUnauthorizedAccount: UnauthorizedAccountError,
  AccessControlBadConfirmation: BadConfirmationError,
  AccessControlEnforcedDefaultAdminRules: EnforcedDefaultAdminRulesError,
  AccessControlEnforcedDefaultAdminDelay: EnforcedDefaultAdminDelayError,
  AccessControlInvalidDefaultAdmin: InvalidDefaultAdminError,
  ERC20InsufficientBalance: InsufficientBalanceError,
  ERC20InsufficientAllowance: InsufficientAllowanceError,
  ERC20InvalidApprover: InvalidApproverError,
  ERC20InvalidReceiver: InvalidReceiverError,
  ERC20InvalidSender: InvalidSenderError,
  ERC20InvalidSpender: InvalidSpenderError,
  InvalidAccountNonce: InvalidAccountNonceError,
  InvalidShortString: InvalidShortStringError,
  StringTooLong: StringTooLongError,
  SafeCastOverflowedUintDowncast: SafeCastOverflowError,
} as const satisfies { [name in LedgerContractErrorName]: ContractErrorClass<name> };

/**
 * A call reverted without a custom error: with `Error(string)`, a panic, no data, or data the ledger's ABI
 * does not know.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof ContractRevertedError) console.log(e.reason, e.data); }
 * ```
 */
export class ContractRevertedError extends LedgerError {
  override name = "ContractRevertedError";
  /** The `Error(string)` reason or panic description, when there is one. */
  readonly reason: string | undefined;
  /** The raw revert data (`0x` when empty). */
  readonly data: Hex;
  /**
   * @param reason - the reason, when known.
   * @param data - the raw revert data.
   */
  constructor(reason: string | undefined, data: Hex) {
    super(reason ? `the contract reverted: ${reason}` : "the contract reverted without a reason", {
      details: data === "0x" ? undefined : `revert data ${data}`,
    });
    this.reason = reason;
    this.data = data;
  }
}

/**
 * Decodes revert data into the named error class of its Solidity error.
 *
 * @param data - the revert data of a failed call.
 * @returns the error: a {@link ContractRevertError} subclass for the ledger's custom errors, otherwise a
 *   {@link ContractRevertedError}.
 * @example
 * ```ts
 * const err = decodeContractError("0x…"); // e.g. WalletFrozenError with err.args.account
 * ```
 */
export function decodeContractError(data: Hex): ContractRevertError | ContractRevertedError {
  if (data.length < 10) return new ContractRevertedError(undefined, data);
  let decoded: { errorName: string; args: readonly unknown[] | undefined; abiItem: { inputs: readonly { name?: string }[] } };
  try {
    decoded = decodeErrorResult({ abi: ledgerErrorsAbi, data }) as typeof decoded;
  } catch {
    return new ContractRevertedError(`unknown error selector ${data.slice(0, 10)}`, data);
  }
  const { errorName, args = [], abiItem } = decoded;
  if (errorName === "Error") return new ContractRevertedError(String(args[0]), data);
  if (errorName === "Panic") return new ContractRevertedError(`panic 0x${(args[0] as bigint).toString(16)}`, data);
  const named = Object.fromEntries(abiItem.inputs.map((input, i) => [input.name ?? String(i), args[i]]));
  const ErrorClass = contractErrors[errorName as LedgerContractErrorName] as unknown as ContractErrorClass<LedgerContractErrorName>;
  return new ErrorClass(named as ContractErrorArgs<LedgerContractErrorName>, data);
}

/**
 * Finds revert data anywhere in an error's cause chain (viem's `ContractFunctionRevertedError.raw`, an RPC
 * error's `data`, a provider's nested `data.data`).
 *
 * @param error - anything thrown by a viem call.
 * @returns the revert data, or undefined when the failure was not a revert.
 * @example
 * ```ts
 * const data = findRevertData(err);
 * ```
 */
export function findRevertData(error: unknown): Hex | undefined {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const { raw, data } = e as { raw?: unknown; data?: unknown };
    for (const candidate of [raw, data, (data as { data?: unknown } | undefined)?.data]) {
      if (typeof candidate === "string" && /^0x([0-9a-fA-F]{2})*$/.test(candidate)) return candidate as Hex;
    }
    if (e instanceof ContractRevertError || e instanceof ContractRevertedError) return e.data;
  }
  return undefined;
}

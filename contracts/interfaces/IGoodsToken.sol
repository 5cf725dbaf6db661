// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {LotId} from "../types/LotId.sol";
import {IERC3009} from "./IERC3009.sol";
import {IReserveRegistry} from "./IReserveRegistry.sol";
import {IWalletRegistry} from "./IWalletRegistry.sol";

/// @title IGoodsToken
/// @notice The goods-backed token: ERC-20 (6 decimals) + EIP-2612 permit + EIP-3009, with the wallet registry
/// built in. Every path that moves value (transfer, transferFrom, transferWithAuthorization,
/// receiveWithAuthorization, batchTransfer, transferWithReference, issue's recipient, redeem's burner) passes one
/// compliance check: not paused; both wallets registered, active (not frozen or closed), KYC not expired and not
/// denylisted; the amount within the sender's single-transfer and daily limits; the recipient within its maximum
/// balance. Forced transfer and recovery are compliance actions: they work while paused and skip the sender's
/// status and limits, but not the recipient's checks.
/// @dev Roles (OpenZeppelin AccessControl, ids `keccak256("NAME")`): DEFAULT_ADMIN_ROLE grants and revokes only;
/// PAUSER_ROLE pauses; REGISTRAR_ROLE registers wallets; COMPLIANCE_ROLE freezes, denylists, sets tier limits,
/// seizes and recovers; ISSUER_ROLE issues and redeems.
interface IGoodsToken is IERC20Metadata, IERC20Permit, IERC3009, IWalletRegistry {
    // ----------------------------------------------------------------------------------------------------------
    // Events
    // ----------------------------------------------------------------------------------------------------------

    /// @notice The token was paused: no transfers, issues or redemptions until unpaused.
    /// @param account The PAUSER_ROLE holder.
    event Paused(address account);

    /// @notice The token was unpaused.
    /// @param account The PAUSER_ROLE holder.
    event Unpaused(address account);

    /// @notice Tokens were issued against a goods lot. Emitted right after the mint's {IERC20-Transfer} from the zero
    /// address, which carries the recipient and the amount: the two logs are adjacent in the same transaction
    /// (`Issued.logIndex == Transfer.logIndex + 1`). The event repeats neither, to keep `issue` within 1.5× a plain
    /// mint (README, contracts: gas).
    /// @param lot The lot backing the new tokens: the provenance the trace engine follows.
    /// @param ref The issuer's reference (for example a cash-in id).
    event Issued(LotId indexed lot, bytes32 ref);

    /// @notice Tokens were redeemed (burned from the issuer's wallet) against a lot; goods were released.
    /// @param lot The lot.
    /// @param from The issuer's wallet the tokens were burned from.
    /// @param amount The amount.
    /// @param ref The issuer's reference.
    /// @param releaseId The ReserveRegistry's goods-release record id.
    event Redeemed(
        LotId indexed lot, address indexed from, uint256 amount, bytes32 ref, uint256 indexed releaseId
    );

    /// @notice Compliance moved tokens out of a wallet under a legal order (seizure).
    /// @param from The wallet seized from.
    /// @param to The recipient.
    /// @param amount The amount.
    /// @param officer The COMPLIANCE_ROLE holder.
    /// @param reasonCode Why.
    /// @param legalRef Hash of the legal order.
    event ForcedTransfer(
        address indexed from,
        address indexed to,
        uint256 amount,
        address indexed officer,
        bytes32 reasonCode,
        bytes32 legalRef
    );

    /// @notice Compliance moved a lost wallet's balance and record to a replacement and closed the lost wallet.
    /// @param lost The lost wallet (now closed).
    /// @param replacement The replacement wallet (now carrying the record and alias).
    /// @param amount The balance moved.
    /// @param officer The COMPLIANCE_ROLE holder.
    /// @param reasonCode Why.
    /// @param legalRef Hash of the supporting document.
    event WalletRecovered(
        address indexed lost,
        address indexed replacement,
        uint256 amount,
        address indexed officer,
        bytes32 reasonCode,
        bytes32 legalRef
    );

    /// @notice A transfer carried a 32-byte payment reference. Emitted by {transferWithReference} (a free-form
    /// invoice reference) and by {payWithAuthorization} (the request's reference, `paymentReference(to, value,
    /// requestId)`). The plain EIP-3009 functions do not emit it: their nonce is not a payment reference.
    /// @param from The payer.
    /// @param to The payee.
    /// @param amount The amount.
    /// @param ref The reference.
    event PaymentReferenced(address indexed from, address indexed to, uint256 amount, bytes32 indexed ref);

    /// @notice A leg of {batchTransferPartial} failed a rule of its own and was skipped (nothing moved for it).
    /// @param index The leg's index in the batch.
    /// @param to The leg's recipient.
    /// @param amount The leg's amount.
    /// @param reason The selector of the custom error the leg would have reverted with (for example
    /// `WalletRegistryBalanceLimitExceeded`); the SDK decodes it by name.
    event BatchLegSkipped(uint256 indexed index, address indexed to, uint256 amount, bytes4 reason);

    /// @notice A migration's import was sealed ({sealMigration}): the imported balances equal the imported lots'
    /// outstanding amounts, and no import can ever happen again.
    /// @param sourceBlockHash The hash of the v1 block the snapshot was pinned to.
    /// @param sourceBlockNumber Its number.
    /// @param supply The outstanding supply after the import.
    event MigrationSealed(bytes32 indexed sourceBlockHash, uint256 sourceBlockNumber, uint256 supply);

    // ----------------------------------------------------------------------------------------------------------
    // Errors
    // ----------------------------------------------------------------------------------------------------------

    /// @notice The zero address was given as admin.
    error GoodsTokenInvalidAdmin(address admin);
    /// @notice The token is paused.
    error GoodsTokenPaused();
    /// @notice The token is not paused (so it cannot be unpaused).
    error GoodsTokenNotPaused();
    /// @notice A zero amount was given where it means nothing (issue, redeem, forced transfer).
    error GoodsTokenZeroAmount();
    /// @notice A batch with no recipients.
    error GoodsTokenEmptyBatch();
    /// @notice A batch's recipient and amount arrays differ in length.
    error GoodsTokenBatchLengthMismatch(uint256 recipients, uint256 amounts);
    /// @notice The EIP-3009 authorization has been used or canceled.
    error GoodsTokenAuthorizationUsed(address authorizer, bytes32 nonce);
    /// @notice The EIP-3009 authorization is not valid yet (`block.timestamp <= validAfter`).
    error GoodsTokenAuthorizationNotYetValid(uint256 validAfter, uint256 timestamp);
    /// @notice The EIP-3009 authorization has expired (`block.timestamp >= validBefore`).
    error GoodsTokenAuthorizationExpired(uint256 validBefore, uint256 timestamp);
    /// @notice The signature is not `signer`'s over the expected typed data.
    error GoodsTokenInvalidSignature(address signer);
    /// @notice {receiveWithAuthorization} was called by someone other than the payee.
    error GoodsTokenCallerNotPayee(address caller, address payee);
    /// @notice The payee has already been paid with this single-use payment reference (first paid wins).
    error GoodsTokenPaymentReferenceUsed(address payee, bytes32 ref);
    /// @notice The EIP-2612 permit's deadline has passed.
    error GoodsTokenPermitExpired(uint256 deadline);
    /// @notice A signed transfer of value 0 (EIP-3009 or a payment): it would spend the authorizer's nonce, or a
    /// merchant's payment reference, for nothing.
    /// @param authorizer The signer (`from`).
    /// @param nonce The authorization's nonce (for {payWithAuthorization}: the payment reference).
    error GoodsTokenZeroValueAuthorization(address authorizer, bytes32 nonce);
    /// @notice The migration's import is sealed: no wallet or lot can be imported any more.
    error GoodsTokenMigrationSealed();
    /// @notice The imported balances differ from the imported lots' outstanding amounts ({sealMigration}), or
    /// {unpause} was called while an import is open and not sealed.
    /// @param lotsOutstanding Σ (issued − redeemed) over the imported lots.
    /// @param balances Σ imported balances.
    error GoodsTokenMigrationUnbalanced(uint256 lotsOutstanding, uint256 balances);

    // ----------------------------------------------------------------------------------------------------------
    // Pauser
    // ----------------------------------------------------------------------------------------------------------

    /// @notice Pauses transfers, issues and redemptions (freezing, denylisting, seizure and role changes still work).
    ///
    /// Requirements:
    /// - the caller has PAUSER_ROLE;
    /// - the token is not paused.
    ///
    /// Emits {Paused}.
    function pause() external;

    /// @notice Unpauses.
    ///
    /// Requirements:
    /// - the caller has PAUSER_ROLE;
    /// - the token is paused.
    ///
    /// Emits {Unpaused}.
    function unpause() external;

    // ----------------------------------------------------------------------------------------------------------
    // Issuer
    // ----------------------------------------------------------------------------------------------------------

    /// @notice Issues (mints) tokens to a registered wallet against a goods lot.
    /// @param lot The lot backing the new tokens.
    /// @param to The recipient.
    /// @param amount The amount (token units).
    /// @param ref The issuer's reference (for example a cash-in id).
    ///
    /// Requirements:
    /// - the caller has ISSUER_ROLE; the token is not paused;
    /// - `amount > 0`; `to` passes the recipient checks;
    /// - the lot is active and not expired, `issued + amount ≤ valuation`, and `totalSupply ≤ validReserves` after.
    ///
    /// Emits {IERC20-Transfer} (from zero), then {Issued}.
    function issue(LotId lot, address to, uint256 amount, bytes32 ref) external;

    /// @notice Redeems (burns) tokens from the caller's own registered wallet against a lot; the reserve registry
    /// writes a goods-release record.
    /// @param lot The lot.
    /// @param amount The amount.
    /// @param ref The issuer's reference (for example a warehouse release order).
    /// @return releaseId The goods-release record id.
    ///
    /// Requirements:
    /// - the caller has ISSUER_ROLE; the token is not paused;
    /// - `amount > 0`; the caller's wallet passes the sender checks and holds `amount`;
    /// - the lot exists, is not released, and `amount ≤ issued − redeemed`.
    ///
    /// Emits {IERC20-Transfer} (to zero), {IReserveRegistry-GoodsReleased} and {Redeemed}.
    function redeem(LotId lot, uint256 amount, bytes32 ref) external returns (uint256 releaseId);

    // ----------------------------------------------------------------------------------------------------------
    // Compliance
    // ----------------------------------------------------------------------------------------------------------

    /// @notice Moves tokens out of a wallet under a legal order (seizure). Works on a frozen or denylisted wallet
    /// and while paused.
    /// @param from The wallet seized from.
    /// @param to The recipient (for example a compliance escrow wallet).
    /// @param amount The amount.
    /// @param reasonCode Why.
    /// @param legalRef Hash of the legal order.
    ///
    /// Requirements:
    /// - the caller has COMPLIANCE_ROLE;
    /// - `from` and `to` are not zero; `amount > 0` and `from` holds it;
    /// - `to` is registered, active, KYC not expired, not denylisted, and stays within its maximum balance.
    ///
    /// Emits {IERC20-Transfer} and {ForcedTransfer}.
    function forcedTransfer(address from, address to, uint256 amount, bytes32 reasonCode, bytes32 legalRef)
        external;

    /// @notice Recovers a lost wallet: moves its balance, record (status, role, tier, region, institution, KYC
    /// expiry, today's outflow) and alias to an unregistered replacement, and closes the lost wallet. The lost
    /// address's denylist flag stays with it. Works while paused.
    /// @param lost The lost wallet.
    /// @param replacement The new address.
    /// @param reasonCode Why.
    /// @param legalRef Hash of the supporting document.
    ///
    /// Requirements:
    /// - the caller has COMPLIANCE_ROLE;
    /// - `lost` is registered and not closed;
    /// - `replacement` is not zero, never registered and not denylisted.
    ///
    /// Emits {IERC20-Transfer}, {AliasUnlinked}/{AliasLinked} if an alias was linked, {WalletClosed} and
    /// {WalletRecovered}.
    function recoverWallet(address lost, address replacement, bytes32 reasonCode, bytes32 legalRef) external;

    // ----------------------------------------------------------------------------------------------------------
    // Holders
    // ----------------------------------------------------------------------------------------------------------

    /// @notice Sends tokens to several recipients (a disbursement); each leg passes the compliance check and the
    /// legs together count against the sender's daily limit. All or nothing.
    /// @param to The recipients.
    /// @param amounts The amounts, one per recipient.
    /// @return True.
    ///
    /// Requirements:
    /// - `to` is not empty and as long as `amounts`;
    /// - every leg passes the compliance check.
    ///
    /// Emits one {IERC20-Transfer} per leg.
    function batchTransfer(address[] calldata to, uint256[] calldata amounts) external returns (bool);

    /// @notice Transfers to many recipients (payroll, bulk payouts), skipping a leg that fails a rule of its own
    /// instead of reverting the batch, as mobile-money B2C disbursements do. A leg passes exactly the check of a
    /// transfer (the one compliance check of every path); the legs run in order, each on the state the previous
    /// ones left (balances, today's outflow).
    /// @param to The recipients.
    /// @param amounts The amounts, one per recipient.
    /// @return skipped How many legs were skipped (each with a {BatchLegSkipped} event; the others emit
    /// {IERC20-Transfer}).
    ///
    /// Requirements:
    /// - `to` is not empty and as long as `amounts`;
    /// - the sender can send at all: not paused, registered, active, not denylisted, KYC not expired (otherwise the
    ///   batch reverts with that error, as {batchTransfer} would).
    ///
    /// A leg is skipped, with the selector of the error it would have reverted with, when its recipient fails the
    /// check (not registered, frozen, closed, denylisted, KYC expired, over its maximum balance) or is the zero
    /// address, when it exceeds the sender's single-transfer limit or what is left of its daily outflow, or when the
    /// sender's balance no longer covers it.
    ///
    /// Emits {IERC20-Transfer} per leg moved and {BatchLegSkipped} per leg skipped.
    function batchTransferPartial(address[] calldata to, uint256[] calldata amounts)
        external
        returns (uint256 skipped);

    /// @notice Transfers tokens with a 32-byte payment reference (an invoice id). The reference is not single-use
    /// (a bill may be paid in parts); single-use QR payments use {payWithAuthorization}.
    /// @param to The payee.
    /// @param amount The amount.
    /// @param ref The reference.
    /// @return True.
    ///
    /// Requirements:
    /// - the transfer passes the compliance check.
    ///
    /// Emits {IERC20-Transfer} and {PaymentReferenced}.
    function transferWithReference(address to, uint256 amount, bytes32 ref) external returns (bool);

    /// @notice Pays a payment request (a QR code's payee, amount and request id) with the payer's signature. The
    /// request's reference `paymentReference(to, value, requestId)` commits to the payee and the amount, so an
    /// authorization of any other value or payee cannot consume it; it is single-use per payee (first paid wins)
    /// and is the payer's authorization nonce (`authorizationState(from, ref)`, `cancelAuthorization(from, ref, …)`).
    /// Anyone may submit it (the payer's app, the merchant, a relayer).
    /// @param from The payer (signer).
    /// @param to The payee.
    /// @param value The amount the payer commits to (the request's amount).
    /// @param validAfter Valid only when `block.timestamp > validAfter`.
    /// @param validBefore Valid only when `block.timestamp < validBefore`.
    /// @param requestId The payee's request id.
    /// @param v Signature v.
    /// @param r Signature r.
    /// @param s Signature s.
    ///
    /// Requirements:
    /// - `from` is not the zero address and `value` is not 0;
    /// - the window holds;
    /// - `from` has not used or canceled the nonce `ref`, and no other payer has paid `ref`;
    /// - the signature is `from`'s (an EOA's ECDSA or an ERC-1271 contract's) over
    ///   `PaymentAuthorization(from, to, value, validAfter, validBefore, requestId)` on this token's EIP-712 domain;
    /// - the transfer passes the compliance check.
    ///
    /// Emits {AuthorizationUsed} (nonce `ref`), {IERC20-Transfer} and {PaymentReferenced}.
    function payWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 requestId,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    // ----------------------------------------------------------------------------------------------------------
    // Views
    // ----------------------------------------------------------------------------------------------------------

    /// @notice The EIP-712 type hash of a payment: `keccak256("PaymentAuthorization(address from,address to,uint256
    /// value,uint256 validAfter,uint256 validBefore,bytes32 requestId)")`.
    /// @return The type hash.
    // solhint-disable-next-line func-name-mixedcase
    function PAYMENT_AUTHORIZATION_TYPEHASH() external view returns (bytes32);

    /// @notice The reference of a payment request: `keccak256(abi.encode(payee, value, requestId))`.
    /// @param payee The payee.
    /// @param value The requested amount.
    /// @param requestId The payee's request id.
    /// @return The reference.
    function paymentReference(address payee, uint256 value, bytes32 requestId) external pure returns (bytes32);

    /// @notice `keccak256("PAUSER_ROLE")`.
    /// @return The role id.
    function PAUSER_ROLE() external view returns (bytes32);

    /// @notice `keccak256("ISSUER_ROLE")`.
    /// @return The role id.
    function ISSUER_ROLE() external view returns (bytes32);

    /// @notice The reserve registry that caps issuance and keeps the total supply (created by this token's
    /// constructor).
    /// @return The ReserveRegistry.
    function reserveRegistry() external view returns (IReserveRegistry);

    /// @notice Whether the token is paused.
    /// @return True if paused.
    function paused() external view returns (bool);

    /// @notice Whether the single-use payment reference `ref` (see {paymentReference}) has been paid with
    /// {payWithAuthorization}. A reference commits to its payee, so the answer concerns that payee.
    /// @param payee The payee.
    /// @param ref The reference.
    /// @return True if used.
    function paymentReferenceUsed(address payee, bytes32 ref) external view returns (bool);

    // ----------------------------------------------------------------------------------------------------------
    // Migration v1 → v2 (docs/DESIGN.md §5)
    // ----------------------------------------------------------------------------------------------------------

    /// @notice Imports wallets as a v1 ledger recorded them: record, status, denylist flag, alias and balance.
    /// @dev Requirements: the caller has MIGRATOR_ROLE; the token is paused; the migration is not sealed
    /// ({GoodsTokenMigrationSealed}); each account is non-zero and unregistered, its status Active, Frozen or Closed,
    /// its role valid, its tier configured, its alias free. The balances are credited without the transfer checks
    /// (a frozen wallet keeps its balance) and count against the imported lots at {sealMigration}.
    /// Emits per wallet {WalletRegistered}, then {WalletFrozen} / {WalletClosed} / {WalletDenylisted} (reason
    /// `MIGRATION`), {AliasLinked} and `Transfer(0, account, balance)`.
    /// @param wallets The wallets.
    function importWallets(WalletImport[] calldata wallets) external;

    /// @notice Imports lots with their v1 figures (see {IReserveRegistry-importLots} for the per-lot rules).
    /// @dev Requirements: the caller has MIGRATOR_ROLE; the token is paused; the migration is not sealed.
    /// @param lots The lots.
    function importLots(IReserveRegistry.LotImport[] calldata lots) external;

    /// @notice Closes the import for ever once the imported balances equal the imported lots' outstanding amounts.
    /// @dev Requirements: the caller has MIGRATOR_ROLE; not sealed; Σ imported balances = Σ imported outstanding
    /// ({GoodsTokenMigrationUnbalanced} otherwise). {unpause} refuses an import that is open and not sealed.
    /// Emits {MigrationSealed}.
    /// @param sourceBlockHash The hash of the v1 block the snapshot was pinned to.
    /// @param sourceBlockNumber Its number.
    function sealMigration(bytes32 sourceBlockHash, uint256 sourceBlockNumber) external;

    /// @notice The migration's import totals and state.
    /// @return lotsOutstanding Σ (issued − redeemed) over the imported lots.
    /// @return balances Σ imported balances.
    /// @return started Whether anything was imported.
    /// @return isSealed Whether the import is sealed.
    function migrationState()
        external
        view
        returns (uint256 lotsOutstanding, uint256 balances, bool started, bool isSealed);

    /// @notice The role id of a migration's importer: `keccak256("MIGRATOR_ROLE")`.
    /// @return The role id.
    function MIGRATOR_ROLE() external view returns (bytes32);
}

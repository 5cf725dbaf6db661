// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {LotIdV1} from "../types/LotIdV1.sol";
import {IERC3009V1} from "./IERC3009V1.sol";
import {IReserveRegistryV1} from "./IReserveRegistryV1.sol";
import {IWalletRegistryV1} from "./IWalletRegistryV1.sol";

/// @title IGoodsTokenV1
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
interface IGoodsTokenV1 is IERC20Metadata, IERC20Permit, IERC3009V1, IWalletRegistryV1 {
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
    event Issued(LotIdV1 indexed lot, bytes32 ref);

    /// @notice Tokens were redeemed (burned from the issuer's wallet) against a lot; goods were released.
    /// @param lot The lot.
    /// @param from The issuer's wallet the tokens were burned from.
    /// @param amount The amount.
    /// @param ref The issuer's reference.
    /// @param releaseId The ReserveRegistryV1's goods-release record id.
    event Redeemed(
        LotIdV1 indexed lot, address indexed from, uint256 amount, bytes32 ref, uint256 indexed releaseId
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

    /// @notice A transfer carried a 32-byte payment reference (invoice or QR request id). Emitted by
    /// {transferWithReference}, and by both EIP-3009 paths with the nonce as the reference.
    /// @param from The payer.
    /// @param to The payee.
    /// @param amount The amount.
    /// @param ref The reference.
    event PaymentReferenced(address indexed from, address indexed to, uint256 amount, bytes32 indexed ref);

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
    function issue(LotIdV1 lot, address to, uint256 amount, bytes32 ref) external;

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
    /// Emits {IERC20-Transfer} (to zero), {IReserveRegistryV1-GoodsReleased} and {Redeemed}.
    function redeem(LotIdV1 lot, uint256 amount, bytes32 ref) external returns (uint256 releaseId);

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

    /// @notice Transfers tokens with a 32-byte payment reference (an invoice or QR request id). The reference is
    /// not single-use (a bill may be paid in parts); single-use QR payments use EIP-3009.
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

    // ----------------------------------------------------------------------------------------------------------
    // Views
    // ----------------------------------------------------------------------------------------------------------

    /// @notice `keccak256("PAUSER_ROLE")`.
    /// @return The role id.
    function PAUSER_ROLE() external view returns (bytes32);

    /// @notice `keccak256("ISSUER_ROLE")`.
    /// @return The role id.
    function ISSUER_ROLE() external view returns (bytes32);

    /// @notice The reserve registry that caps issuance and keeps the total supply (created by this token's
    /// constructor).
    /// @return The ReserveRegistryV1.
    function reserveRegistry() external view returns (IReserveRegistryV1);

    /// @notice Whether the token is paused.
    /// @return True if paused.
    function paused() external view returns (bool);

    /// @notice Whether `payee` has been paid with the single-use reference `ref` (EIP-3009 nonce).
    /// @param payee The payee.
    /// @param ref The reference.
    /// @return True if used.
    function paymentReferenceUsed(address payee, bytes32 ref) external view returns (bool);
}

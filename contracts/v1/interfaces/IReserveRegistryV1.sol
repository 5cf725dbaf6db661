// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {LotIdV1} from "../types/LotIdV1.sol";

/// @title IReserveRegistryV1
/// @notice Goods lots in custody and their attestations, and the two caps that hold on every issue:
/// issued against a lot ≤ its valuation, and the token's total supply ≤ valid reserves. The registry keeps the
/// token's total supply itself (`outstandingSupply`, Σ issued − Σ redeemed), beside the reserves that cap it, so
/// an issue reads one aggregate slot. It is created by GoodsTokenV1's constructor, which makes the token (the only
/// caller of {recordIssue} and {recordRedemption}) an immutable of this contract.
/// @dev Valid reserves = Σ over lots that are active and not expired of `valuation − redeemed`. A lot stops
/// counting at the start of the UTC day of its `expiresAt` (day buckets; docs/DESIGN.md §3), so the total cap can
/// only be stricter than the exact rule. Amounts are in token units (6 decimals). The token's
/// {IGoodsTokenV1-Issued} event (which carries the lot id) is the record of an issue against a lot.
interface IReserveRegistryV1 {
    /// @notice Lifecycle of a lot. `None` means the lot does not exist.
    enum LotStatus {
        None,
        Active,
        Disputed,
        Released
    }

    /// @notice A lot's full record as returned by {lotInfo}.
    /// @param valuation Value of the goods in token units; cumulative `issued` never exceeds it.
    /// @param issued Cumulative amount issued against the lot.
    /// @param expiresAt When the attestation expires (unix seconds); the lot stops counting on that UTC day.
    /// @param status Lifecycle status.
    /// @param custodian The CUSTODIAN_ROLE holder who attested the lot and alone may renew or release it.
    /// @param redeemed Cumulative amount redeemed (burned) against the lot; never exceeds `issued`.
    /// @param quantity Quantity of goods, in `unit`s.
    /// @param attestedAt When the current attestation was recorded (unix seconds).
    /// @param classCode Goods class code (for example "MAIZE-W2"), as bytes32.
    /// @param unit Unit of `quantity` (for example "kg"), as bytes32.
    /// @param location Location code of the warehouse, as bytes32.
    /// @param attestationHash Hash of the attestation document.
    /// @param attestationURI Where the attestation document can be fetched.
    struct Lot {
        uint96 valuation;
        uint96 issued;
        uint40 expiresAt;
        LotStatus status;
        address custodian;
        uint96 redeemed;
        uint128 quantity;
        uint40 attestedAt;
        bytes32 classCode;
        bytes32 unit;
        bytes32 location;
        bytes32 attestationHash;
        string attestationURI;
    }

    /// @notice What a custodian attests for a new lot ({attestLot}).
    struct LotAttestation {
        bytes32 classCode;
        uint128 quantity;
        bytes32 unit;
        uint96 valuation;
        bytes32 location;
        bytes32 attestationHash;
        string attestationURI;
        uint40 expiresAt;
    }

    /// @notice A goods-release record written on every redemption ({recordRedemption}).
    /// @param lot The lot the tokens were redeemed against.
    /// @param amount Tokens burned, in token units.
    /// @param quantity Goods released, pro rata: `amount × lot.quantity / lot.valuation`, rounded down.
    /// @param releasedAt When (unix seconds).
    /// @param ref The issuer's reference (for example the warehouse release order).
    struct GoodsRelease {
        LotIdV1 lot;
        uint96 amount;
        uint40 releasedAt;
        uint128 quantity;
        bytes32 ref;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Events
    // ----------------------------------------------------------------------------------------------------------

    /// @notice A custodian attested a new lot.
    /// @param lot The lot id.
    /// @param custodian The custodian (the caller).
    /// @param classCode Goods class code.
    /// @param quantity Quantity of goods.
    /// @param unit Unit of quantity.
    /// @param valuation Valuation in token units.
    /// @param location Location code.
    /// @param attestationHash Hash of the attestation document.
    /// @param attestationURI Where the document is.
    /// @param expiresAt When the attestation expires.
    event LotAttested(
        LotIdV1 indexed lot,
        address indexed custodian,
        bytes32 indexed classCode,
        uint128 quantity,
        bytes32 unit,
        uint96 valuation,
        bytes32 location,
        bytes32 attestationHash,
        string attestationURI,
        uint40 expiresAt
    );

    /// @notice A custodian renewed a lot's attestation (new document, valuation and expiry).
    /// @param lot The lot id.
    /// @param custodian The custodian.
    /// @param valuation New valuation.
    /// @param attestationHash New document hash.
    /// @param attestationURI New document URI.
    /// @param expiresAt New expiry.
    event AttestationRenewed(
        LotIdV1 indexed lot,
        address indexed custodian,
        uint96 valuation,
        bytes32 attestationHash,
        string attestationURI,
        uint40 expiresAt
    );

    /// @notice An auditor disputed a lot: it stops counting in reserves and refuses new issuance.
    /// @param lot The lot id.
    /// @param auditor The AUDITOR_ROLE holder.
    /// @param reasonCode Why.
    event LotDisputed(LotIdV1 indexed lot, address indexed auditor, bytes32 reasonCode);

    /// @notice An auditor resolved a dispute: the lot is active again.
    /// @param lot The lot id.
    /// @param auditor The AUDITOR_ROLE holder.
    /// @param reasonCode Why.
    event LotDisputeResolved(LotIdV1 indexed lot, address indexed auditor, bytes32 reasonCode);

    /// @notice A custodian released a whole lot from custody (nothing outstanding against it).
    /// @param lot The lot id.
    /// @param custodian The custodian.
    /// @param reasonCode Why.
    event LotReleased(LotIdV1 indexed lot, address indexed custodian, bytes32 reasonCode);

    /// @notice Goods were released against redeemed (burned) tokens.
    /// @param releaseId Sequential id of the goods-release record, from 1.
    /// @param lot The lot id.
    /// @param amount Tokens burned.
    /// @param quantity Goods released (pro rata).
    /// @param ref The issuer's reference.
    event GoodsReleased(
        uint256 indexed releaseId, LotIdV1 indexed lot, uint256 amount, uint256 quantity, bytes32 ref
    );

    /// @notice Attestations expiring on `day` stopped counting in reserves.
    /// @param day The UTC day.
    /// @param amount The reserves removed.
    event ReservesExpired(uint256 indexed day, uint256 amount);

    // ----------------------------------------------------------------------------------------------------------
    // Errors
    // ----------------------------------------------------------------------------------------------------------

    /// @notice Only the token may call {recordIssue} and {recordRedemption}.
    error ReserveRegistryCallerNotToken(address caller);
    /// @notice The zero address was given as admin.
    error ReserveRegistryInvalidAdmin(address admin);
    /// @notice The zero lot id was given.
    error ReserveRegistryInvalidLotId(LotIdV1 lot);
    /// @notice A lot with this id already exists.
    error ReserveRegistryLotExists(LotIdV1 lot);
    /// @notice No lot with this id exists.
    error ReserveRegistryUnknownLot(LotIdV1 lot);
    /// @notice A valuation of zero was given.
    error ReserveRegistryInvalidValuation(LotIdV1 lot, uint256 valuation);
    /// @notice A renewal's valuation is below what has been issued against the lot.
    error ReserveRegistryValuationBelowIssued(LotIdV1 lot, uint256 issued, uint256 valuation);
    /// @notice A quantity of zero was given.
    error ReserveRegistryInvalidQuantity(LotIdV1 lot);
    /// @notice A zero attestation hash was given.
    error ReserveRegistryInvalidAttestationHash(LotIdV1 lot);
    /// @notice An expiry was given whose UTC day is not after today.
    error ReserveRegistryInvalidExpiry(LotIdV1 lot, uint256 expiresAt);
    /// @notice The lot's attestation has expired (its expiry day has begun).
    error ReserveRegistryLotExpired(LotIdV1 lot, uint256 expiresAt);
    /// @notice The lot is disputed.
    error ReserveRegistryLotDisputed(LotIdV1 lot);
    /// @notice The lot is not disputed (so the dispute cannot be resolved).
    error ReserveRegistryLotNotDisputed(LotIdV1 lot);
    /// @notice The lot has been released.
    error ReserveRegistryLotReleased(LotIdV1 lot);
    /// @notice Only the lot's custodian may renew or release it.
    error ReserveRegistryNotLotCustodian(LotIdV1 lot, address caller, address custodian);
    /// @notice Issuing `needed` would take the lot's cumulative issuance over its valuation.
    error ReserveRegistryLotCapacityExceeded(LotIdV1 lot, uint256 available, uint256 needed);
    /// @notice Issuing would take the total supply over the valid reserves.
    error ReserveRegistryReservesExceeded(uint256 validReserves, uint256 supplyAfter);
    /// @notice Redeeming more against the lot than is outstanding (`issued − redeemed`).
    error ReserveRegistryRedemptionExceedsOutstanding(LotIdV1 lot, uint256 outstanding, uint256 amount);
    /// @notice A lot with tokens outstanding against it cannot be released.
    error ReserveRegistryLotOutstanding(LotIdV1 lot, uint256 outstanding);
    /// @notice Total reserves would exceed what the aggregate can hold (`type(uint96).max`).
    error ReserveRegistryReservesOverflow(uint256 validReserves, uint256 added);

    // ----------------------------------------------------------------------------------------------------------
    // Custodian
    // ----------------------------------------------------------------------------------------------------------

    /// @notice Attests a new lot of goods in the caller's custody; its valuation starts counting in reserves.
    /// @param lot The lot id.
    /// @param attestation The lot's goods, valuation and attestation document.
    ///
    /// Requirements:
    /// - the caller has CUSTODIAN_ROLE (and becomes the lot's custodian);
    /// - `lot` is not zero and does not exist;
    /// - valuation, quantity and attestation hash are non-zero; the expiry's UTC day is after today.
    ///
    /// Emits {LotAttested}.
    function attestLot(LotIdV1 lot, LotAttestation calldata attestation) external;

    /// @notice Renews a lot's attestation: new document, valuation and expiry. Also revives an expired lot.
    /// @param lot The lot id.
    /// @param valuation New valuation; not below what has been issued.
    /// @param attestationHash New document hash.
    /// @param attestationURI New document URI.
    /// @param expiresAt New expiry; its UTC day is after today.
    ///
    /// Requirements:
    /// - the caller has CUSTODIAN_ROLE and is the lot's custodian;
    /// - the lot exists and is active (not disputed, not released).
    ///
    /// Emits {AttestationRenewed}.
    function renewAttestation(
        LotIdV1 lot,
        uint96 valuation,
        bytes32 attestationHash,
        string calldata attestationURI,
        uint40 expiresAt
    ) external;

    /// @notice Releases a whole lot from custody; it stops counting in reserves for good.
    /// @param lot The lot id.
    /// @param reasonCode Why.
    ///
    /// Requirements:
    /// - the caller has CUSTODIAN_ROLE and is the lot's custodian;
    /// - the lot exists, is not disputed or released, and has nothing outstanding (`issued == redeemed`).
    ///
    /// Emits {LotReleased}.
    function releaseLot(LotIdV1 lot, bytes32 reasonCode) external;

    // ----------------------------------------------------------------------------------------------------------
    // Auditor
    // ----------------------------------------------------------------------------------------------------------

    /// @notice Disputes an active lot: it stops counting in reserves and refuses new issuance.
    /// @param lot The lot id.
    /// @param reasonCode Why.
    ///
    /// Requirements:
    /// - the caller has AUDITOR_ROLE;
    /// - the lot exists and is active.
    ///
    /// Emits {LotDisputed}.
    function disputeLot(LotIdV1 lot, bytes32 reasonCode) external;

    /// @notice Resolves a dispute: the lot is active again (and counts in reserves unless expired).
    /// @param lot The lot id.
    /// @param reasonCode Why.
    ///
    /// Requirements:
    /// - the caller has AUDITOR_ROLE;
    /// - the lot is disputed.
    ///
    /// Emits {LotDisputeResolved}.
    function resolveDispute(LotIdV1 lot, bytes32 reasonCode) external;

    // ----------------------------------------------------------------------------------------------------------
    // Token
    // ----------------------------------------------------------------------------------------------------------

    /// @notice Records an issue of `amount` against `lot`, checks both caps, and adds `amount` to the outstanding
    /// supply.
    /// @param lot The lot id.
    /// @param amount The amount being issued.
    /// @return supplyAfter The outstanding supply after the issue.
    ///
    /// Requirements:
    /// - the caller is the token;
    /// - the lot exists, is active and not expired;
    /// - `issued + amount ≤ valuation` and `outstandingSupply() + amount ≤ validReserves()`.
    function recordIssue(LotIdV1 lot, uint256 amount) external returns (uint256 supplyAfter);

    /// @notice Records a redemption (burn) of `amount` against `lot`, takes it off the outstanding supply, and writes
    /// a goods-release record.
    /// Works on a disputed or expired lot (a burn only lowers risk).
    /// @param lot The lot id.
    /// @param amount The amount burned.
    /// @param ref The issuer's reference.
    /// @return releaseId The id of the goods-release record.
    ///
    /// Requirements:
    /// - the caller is the token;
    /// - the lot exists and is not released;
    /// - `amount ≤ issued − redeemed`.
    ///
    /// Emits {GoodsReleased}.
    function recordRedemption(LotIdV1 lot, uint256 amount, bytes32 ref) external returns (uint256 releaseId);

    // ----------------------------------------------------------------------------------------------------------
    // Views
    // ----------------------------------------------------------------------------------------------------------

    /// @notice The role id of a goods custodian: `keccak256("CUSTODIAN_ROLE")`.
    /// @return The role id.
    function CUSTODIAN_ROLE() external view returns (bytes32);

    /// @notice The role id of a reserve auditor: `keccak256("AUDITOR_ROLE")`.
    /// @return The role id.
    function AUDITOR_ROLE() external view returns (bytes32);

    /// @notice The token allowed to record issues and redemptions: the GoodsTokenV1 that created this registry.
    /// @return The token address.
    function token() external view returns (address);

    /// @notice The token's total supply: Σ issued − Σ redeemed over all lots (GoodsTokenV1's `totalSupply`).
    /// @return The outstanding supply in token units.
    function outstandingSupply() external view returns (uint256);

    /// @notice A lot's full record (`status == None` if it does not exist).
    /// @param lot The lot id.
    /// @return The record.
    function lotInfo(LotIdV1 lot) external view returns (Lot memory);

    /// @notice How much more can be issued against a lot right now (0 if disputed, released, expired or unknown).
    /// Does not account for the total-reserves cap.
    /// @param lot The lot id.
    /// @return `valuation − issued`, or 0.
    function availableToIssue(LotIdV1 lot) external view returns (uint256);

    /// @notice The valid reserves right now: Σ `valuation − redeemed` over lots active and not expired.
    /// @return The reserves in token units.
    function validReserves() external view returns (uint256);

    /// @notice A goods-release record (all zero if `releaseId` is unknown).
    /// @param releaseId The id, from 1.
    /// @return The record.
    function goodsRelease(uint256 releaseId) external view returns (GoodsRelease memory);

    /// @notice How many goods-release records exist (the last id).
    /// @return The count.
    function goodsReleaseCount() external view returns (uint256);
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {LotId} from "../types/LotId.sol";

/// @title IReserveRegistry
/// @notice Goods lots in custody and their attestations, and the two caps that hold on every issue:
/// outstanding against a lot ≤ its reserve value, and the token's total supply ≤ valid reserves. The registry keeps the
/// token's total supply itself (`outstandingSupply`, Σ issued − Σ redeemed), beside the reserves that cap it, so
/// an issue reads one aggregate slot. It is created by GoodsToken's constructor, which makes the token (the only
/// caller of {recordIssue} and {recordRedemption}) an immutable of this contract.
/// @dev Valid reserves = Σ over lots that are active and not expired of their reserve value, which never exceeds
/// the goods still in custody × the unit value of the latest attestation (docs/DESIGN.md §3). A lot stops
/// counting at the start of the UTC day of its `expiresAt` (day buckets; docs/DESIGN.md §3), so the total cap can
/// only be stricter than the exact rule. Amounts are in token units (6 decimals). The token's
/// {IGoodsToken-Issued} event (which carries the lot id) is the record of an issue against a lot.
interface IReserveRegistry {
    /// @notice Lifecycle of a lot. `None` means the lot does not exist.
    enum LotStatus {
        None,
        Active,
        Disputed,
        Released
    }

    /// @notice A lot's full record as returned by {lotInfo}.
    /// @param valuation The latest attested valuation (of `quantity` at attestation, of the goods in custody at a
    /// renewal), in token units.
    /// @param issued Cumulative amount issued against the lot.
    /// @param expiresAt When the attestation expires (unix seconds); the lot stops counting on that UTC day.
    /// @param status Lifecycle status.
    /// @param custodian The CUSTODIAN_ROLE holder who attested the lot and alone may renew or release it.
    /// @param redeemed Cumulative amount redeemed (burned) against the lot; never exceeds `issued`.
    /// @param quantity Quantity of goods attested, in `unit`s.
    /// @param released Goods released so far against redemptions, in `unit`s; never exceeds `quantity`.
    /// @param unitValue Token units per goods unit at the latest attestation (`valuation / goods in custody`, rounded
    /// down): what a redemption releases a unit at.
    /// @param reserveValue What the lot counts in reserves (when active and not expired), and the cap on what is
    /// outstanding against it: ≤ `(quantity − released) × unitValue`.
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
        uint128 released;
        uint96 unitValue;
        uint96 reserveValue;
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
    /// @param quantity Goods released: `amount / lot.unitValue`, rounded down (never 0).
    /// @param releasedAt When (unix seconds).
    /// @param ref The issuer's reference (for example the warehouse release order).
    struct GoodsRelease {
        LotId lot;
        uint96 amount;
        uint40 releasedAt;
        uint128 quantity;
        bytes32 ref;
    }

    /// @notice A lot as a v1 ledger recorded it, imported by a migration ({importLots}; docs/DESIGN.md §5).
    /// @param lot The lot id (the same as in v1).
    /// @param custodian The lot's custodian; must hold CUSTODIAN_ROLE here.
    /// @param status Active, Disputed or Released.
    /// @param attestedAt When the latest v1 attestation was recorded (unix seconds).
    /// @param expiresAt When the attestation expires (unix seconds); an expired lot is imported but not counted.
    /// @param valuation The latest attested valuation of the lot's `quantity`, in token units.
    /// @param quantity The quantity attested.
    /// @param issued Cumulative amount issued against the lot.
    /// @param redeemed Cumulative amount redeemed against the lot.
    /// @param released Goods released by the lot's redemptions (whole units).
    struct LotImport {
        LotId lot;
        address custodian;
        LotStatus status;
        uint40 attestedAt;
        uint40 expiresAt;
        uint96 valuation;
        uint128 quantity;
        uint96 issued;
        uint96 redeemed;
        uint128 released;
        bytes32 classCode;
        bytes32 unit;
        bytes32 location;
        bytes32 attestationHash;
        string attestationURI;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Events
    // ----------------------------------------------------------------------------------------------------------

    /// @notice A migration imported a lot with its v1 figures ({importLots}); {LotAttested} precedes it with the
    /// attestation.
    /// @param lot The lot id.
    /// @param issued Cumulative amount issued against the lot in v1.
    /// @param redeemed Cumulative amount redeemed against the lot in v1.
    /// @param released Goods released in v1.
    /// @param reserveValue What the lot counts in reserves here: min(valuation − redeemed, (quantity − released) ×
    /// ⌊valuation / quantity⌋).
    event LotImported(LotId indexed lot, uint256 issued, uint256 redeemed, uint256 released, uint256 reserveValue);

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
        LotId indexed lot,
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
    /// @param quantity The goods in custody the valuation covers.
    /// @param valuation New valuation of those goods.
    /// @param attestationHash New document hash.
    /// @param attestationURI New document URI.
    /// @param expiresAt New expiry.
    event AttestationRenewed(
        LotId indexed lot,
        address indexed custodian,
        uint128 quantity,
        uint96 valuation,
        bytes32 attestationHash,
        string attestationURI,
        uint40 expiresAt
    );

    /// @notice The outstanding supply first exceeded the valid reserves (a dispute, a release, an expiry settled by
    /// any state-changing call): coverage dropped below 100%.
    /// @param validReserves The valid reserves after the transaction.
    /// @param outstandingSupply The outstanding supply after the transaction.
    event ReserveShortfall(uint256 validReserves, uint256 outstandingSupply);

    /// @notice Coverage is back to 100% or more after a shortfall.
    /// @param validReserves The valid reserves after the transaction.
    /// @param outstandingSupply The outstanding supply after the transaction.
    event ReserveShortfallRecovered(uint256 validReserves, uint256 outstandingSupply);

    /// @notice The custodian role's admin moved a lot to a new custodian (for example after a key rotation).
    /// @param lot The lot id.
    /// @param previousCustodian The custodian before.
    /// @param newCustodian The custodian now, who alone may renew or release the lot.
    event LotCustodianReassigned(LotId indexed lot, address indexed previousCustodian, address indexed newCustodian);

    /// @notice An auditor disputed a lot: it stops counting in reserves and refuses new issuance.
    /// @param lot The lot id.
    /// @param auditor The AUDITOR_ROLE holder.
    /// @param reasonCode Why.
    event LotDisputed(LotId indexed lot, address indexed auditor, bytes32 reasonCode);

    /// @notice An auditor resolved a dispute: the lot is active again.
    /// @param lot The lot id.
    /// @param auditor The AUDITOR_ROLE holder.
    /// @param reasonCode Why.
    event LotDisputeResolved(LotId indexed lot, address indexed auditor, bytes32 reasonCode);

    /// @notice A custodian released a whole lot from custody (nothing outstanding against it).
    /// @param lot The lot id.
    /// @param custodian The custodian.
    /// @param reasonCode Why.
    event LotReleased(LotId indexed lot, address indexed custodian, bytes32 reasonCode);

    /// @notice Goods were released against redeemed (burned) tokens.
    /// @param releaseId Sequential id of the goods-release record, from 1.
    /// @param lot The lot id.
    /// @param amount Tokens burned.
    /// @param quantity Goods released (whole units at the lot's unit value).
    /// @param ref The issuer's reference.
    event GoodsReleased(
        uint256 indexed releaseId, LotId indexed lot, uint256 amount, uint256 quantity, bytes32 ref
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
    error ReserveRegistryInvalidLotId(LotId lot);
    /// @notice A lot with this id already exists.
    error ReserveRegistryLotExists(LotId lot);
    /// @notice No lot with this id exists.
    error ReserveRegistryUnknownLot(LotId lot);
    /// @notice A valuation below the quantity was given: a goods unit must be worth at least one token unit (the
    /// unit value a redemption releases goods at).
    error ReserveRegistryInvalidValuation(LotId lot, uint256 valuation);
    /// @notice A renewal would value the goods in custody below what is outstanding against the lot.
    /// @param lot The lot.
    /// @param outstanding Issued − redeemed against the lot.
    /// @param reserveValue The goods in custody × the new unit value.
    error ReserveRegistryValuationBelowOutstanding(LotId lot, uint256 outstanding, uint256 reserveValue);
    /// @notice A renewal's quantity is not the quantity of goods still in custody (attested − released).
    /// @param lot The lot.
    /// @param inCustody The goods in custody on chain.
    /// @param attested The quantity the renewal covers.
    error ReserveRegistryQuantityMismatch(LotId lot, uint256 inCustody, uint256 attested);
    /// @notice A redemption below the lot's unit value would release no goods.
    /// @param lot The lot.
    /// @param unitValue Token units per goods unit.
    /// @param amount The amount to redeem.
    error ReserveRegistryRedemptionBelowUnitValue(LotId lot, uint256 unitValue, uint256 amount);
    /// @notice A lot can only be reassigned to an account holding CUSTODIAN_ROLE.
    /// @param account The proposed custodian.
    error ReserveRegistryInvalidCustodian(address account);
    /// @notice A quantity of zero was given.
    error ReserveRegistryInvalidQuantity(LotId lot);
    /// @notice A zero attestation hash was given.
    error ReserveRegistryInvalidAttestationHash(LotId lot);
    /// @notice An expiry was given whose UTC day is not after today.
    error ReserveRegistryInvalidExpiry(LotId lot, uint256 expiresAt);
    /// @notice The lot's attestation has expired (its expiry day has begun).
    error ReserveRegistryLotExpired(LotId lot, uint256 expiresAt);
    /// @notice The lot is disputed.
    error ReserveRegistryLotDisputed(LotId lot);
    /// @notice The lot is not disputed (so the dispute cannot be resolved).
    error ReserveRegistryLotNotDisputed(LotId lot);
    /// @notice The lot has been released.
    error ReserveRegistryLotReleased(LotId lot);
    /// @notice Only the lot's custodian may renew or release it.
    error ReserveRegistryNotLotCustodian(LotId lot, address caller, address custodian);
    /// @notice Issuing `needed` would take what is outstanding against the lot over its reserve value.
    error ReserveRegistryLotCapacityExceeded(LotId lot, uint256 available, uint256 needed);
    /// @notice Issuing would take the total supply over the valid reserves.
    error ReserveRegistryReservesExceeded(uint256 validReserves, uint256 supplyAfter);
    /// @notice Redeeming more against the lot than is outstanding (`issued − redeemed`).
    error ReserveRegistryRedemptionExceedsOutstanding(LotId lot, uint256 outstanding, uint256 amount);
    /// @notice A lot with tokens outstanding against it cannot be released.
    error ReserveRegistryLotOutstanding(LotId lot, uint256 outstanding);
    /// @notice An imported lot's released goods exceed its quantity ({importLots}).
    /// @param lot The lot.
    /// @param quantity The quantity attested.
    /// @param released The goods released.
    error ReserveRegistryReleasedExceedsQuantity(LotId lot, uint256 quantity, uint256 released);
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
    /// - quantity and attestation hash are non-zero and `valuation ≥ quantity` (unit value ≥ 1 token unit); the
    ///   expiry's UTC day is after today.
    ///
    /// Emits {LotAttested}.
    function attestLot(LotId lot, LotAttestation calldata attestation) external;

    /// @notice Renews a lot's attestation: new document, expiry and a revaluation of the goods still in custody (not
    /// of what was there at the start). The lot's unit value becomes `valuation / quantity` and its reserve value
    /// `quantity × unitValue`. Also revives an expired lot.
    /// @param lot The lot id.
    /// @param quantity The goods still in custody (`quantity − released` on chain), which the valuation covers.
    /// @param valuation New valuation of those goods.
    /// @param attestationHash New document hash.
    /// @param attestationURI New document URI.
    /// @param expiresAt New expiry; its UTC day is after today.
    ///
    /// Requirements:
    /// - the caller has CUSTODIAN_ROLE and is the lot's custodian;
    /// - the lot exists and is active (not disputed, not released);
    /// - `quantity` is not 0 and equals the goods in custody; `valuation ≥ quantity`;
    /// - the new reserve value covers what is outstanding against the lot.
    ///
    /// Emits {AttestationRenewed}, and {ReserveShortfallRecovered} if it restores coverage.
    function renewAttestation(
        LotId lot,
        uint128 quantity,
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
    /// Emits {LotReleased}, and {ReserveShortfall} if it ends coverage (or settling expiry changes it).
    function releaseLot(LotId lot, bytes32 reasonCode) external;

    // ----------------------------------------------------------------------------------------------------------
    // Custodian's admin
    // ----------------------------------------------------------------------------------------------------------

    /// @notice Moves a lot to a new custodian, for example after the custodian's key is rotated; the new custodian
    /// alone may then renew or release it.
    /// @param lot The lot id.
    /// @param newCustodian The new custodian.
    ///
    /// Requirements:
    /// - the caller holds the admin role of CUSTODIAN_ROLE (DEFAULT_ADMIN_ROLE);
    /// - the lot exists (any status);
    /// - `newCustodian` holds CUSTODIAN_ROLE.
    ///
    /// Emits {LotCustodianReassigned}.
    function reassignLotCustodian(LotId lot, address newCustodian) external;

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
    /// Emits {LotDisputed}, and {ReserveShortfall} if it ends coverage.
    function disputeLot(LotId lot, bytes32 reasonCode) external;

    /// @notice Resolves a dispute: the lot is active again (and counts in reserves unless expired).
    /// @param lot The lot id.
    /// @param reasonCode Why.
    ///
    /// Requirements:
    /// - the caller has AUDITOR_ROLE;
    /// - the lot is disputed.
    ///
    /// Emits {LotDisputeResolved}, and {ReserveShortfallRecovered} if it restores coverage.
    function resolveDispute(LotId lot, bytes32 reasonCode) external;

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
    /// - the lot's `outstanding + amount ≤ reserveValue` and `outstandingSupply() + amount ≤ validReserves()`.
    function recordIssue(LotId lot, uint256 amount) external returns (uint256 supplyAfter);

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
    /// - `amount ≤ issued − redeemed`;
    /// - `amount ≥ unitValue` (it releases `amount / unitValue` whole goods units, rounded down; the lot's reserve
    ///   value drops by the whole `amount`).
    ///
    /// Emits {GoodsReleased}, and {ReserveShortfall} / {ReserveShortfallRecovered} if settling expiry changes
    /// coverage.
    function recordRedemption(LotId lot, uint256 amount, bytes32 ref) external returns (uint256 releaseId);

    /// @notice Imports lots with their v1 figures during a migration; called by the token's {IGoodsToken-importLots}
    /// only, which keeps the import window (paused, not sealed).
    /// @dev Per lot: the id is new; quantity > 0; a non-zero attestation hash; the custodian holds CUSTODIAN_ROLE;
    /// status is not None; redeemed ≤ issued; released ≤ quantity; a released lot has nothing outstanding; the
    /// outstanding amount (issued − redeemed) ≤ the reserve value min(valuation − redeemed, (quantity − released) ×
    /// ⌊valuation / quantity⌋). An active, unexpired lot counts its reserve value. The outstanding amounts are added
    /// to the outstanding supply. Emits {LotAttested} and {LotImported} per lot.
    /// @param lots The lots.
    /// @return outstanding Σ (issued − redeemed) over `lots`.
    function importLots(LotImport[] calldata lots) external returns (uint256 outstanding);

    // ----------------------------------------------------------------------------------------------------------
    // Views
    // ----------------------------------------------------------------------------------------------------------

    /// @notice The role id of a goods custodian: `keccak256("CUSTODIAN_ROLE")`.
    /// @return The role id.
    function CUSTODIAN_ROLE() external view returns (bytes32);

    /// @notice The role id of a reserve auditor: `keccak256("AUDITOR_ROLE")`.
    /// @return The role id.
    function AUDITOR_ROLE() external view returns (bytes32);

    /// @notice The token allowed to record issues and redemptions: the GoodsToken that created this registry.
    /// @return The token address.
    function token() external view returns (address);

    /// @notice The token's total supply: Σ issued − Σ redeemed over all lots (GoodsToken's `totalSupply`).
    /// @return The outstanding supply in token units.
    function outstandingSupply() external view returns (uint256);

    /// @notice A lot's full record (`status == None` if it does not exist).
    /// @param lot The lot id.
    /// @return The record.
    function lotInfo(LotId lot) external view returns (Lot memory);

    /// @notice How much more can be issued against a lot right now (0 if disputed, released, expired or unknown).
    /// Does not account for the total-reserves cap.
    /// @param lot The lot id.
    /// @return `reserveValue − outstanding`, or 0.
    function availableToIssue(LotId lot) external view returns (uint256);

    /// @notice The valid reserves right now: Σ reserve value over lots active and not expired.
    /// @return The reserves in token units.
    function validReserves() external view returns (uint256);

    /// @notice The reserve coverage right now: valid reserves against the outstanding supply (covered when
    /// `validReserves ≥ outstandingSupply`).
    /// @return validReserves As {validReserves}.
    /// @return outstandingSupply As {outstandingSupply}.
    function coverage() external view returns (uint256 validReserves, uint256 outstandingSupply);

    /// @notice A goods-release record (all zero if `releaseId` is unknown).
    /// @param releaseId The id, from 1.
    /// @return The record.
    function goodsRelease(uint256 releaseId) external view returns (GoodsRelease memory);

    /// @notice How many goods-release records exist (the last id).
    /// @return The count.
    function goodsReleaseCount() external view returns (uint256);
}

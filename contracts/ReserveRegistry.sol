// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IReserveRegistry} from "./interfaces/IReserveRegistry.sol";
import {LotId} from "./types/LotId.sol";

/// @title ReserveRegistry
/// @notice Goods lots, their attestations and goods-release records; caps issuance per lot and in total.
/// @dev Storage is shaped for the issue path, which reads and writes two slots:
/// - lot state word: reserveValue 0–95 | outstanding 96–191 | expiresAt 192–231 | status 232–239, where
///   `reserveValue` is what the lot counts in reserves (≤ the goods still in custody × the unit value of the latest
///   attestation) and `outstanding` is issued − redeemed against the lot (≤ reserveValue);
/// - aggregate word: outstandingSupply 0–95 | validReserves 96–191 | settledDay 192–215.
/// `validReserves` is exact as of `settledDay`; a lot expiring on day d is in bucket `_expiringOn[d]`, and settling
/// up to today subtracts the buckets of the days that have begun since. The days that have a bucket are marked in a
/// three-level bitmap (256 days a word), so settling finds the next bucket in at most three reads whatever the idle
/// time: its cost grows with the buckets that expire, never with the days that pass. Every write to reserves
/// settles first, and every write of the aggregate reports a change of coverage ({ReserveShortfall},
/// {ReserveShortfallRecovered}).
/// The token is the deployer (GoodsToken creates this contract), kept as an immutable so the issue path's caller
/// check reads no storage.
contract ReserveRegistry is AccessControlDefaultAdminRules, IReserveRegistry {
    /// @inheritdoc IReserveRegistry
    bytes32 public constant CUSTODIAN_ROLE = keccak256("CUSTODIAN_ROLE");
    /// @inheritdoc IReserveRegistry
    bytes32 public constant AUDITOR_ROLE = keccak256("AUDITOR_ROLE");

    uint256 private constant MASK24 = 0xffffff;
    uint256 private constant MASK40 = 0xffffffffff;
    uint256 private constant MASK96 = (1 << 96) - 1;
    uint256 private constant OUTSTANDING_SHIFT = 96;
    uint256 private constant EXPIRES_SHIFT = 192;
    uint256 private constant STATUS_SHIFT = 232;
    uint256 private constant RESERVES_SHIFT = 96;
    uint256 private constant SETTLED_DAY_SHIFT = 192;
    uint256 private constant NO_DAY = type(uint256).max;

    /// @dev The parts of a lot that the issue path does not read (three packed slots, then the document).
    struct LotDetails {
        address custodian;
        uint96 valuation;
        uint128 quantity;
        uint128 released;
        uint96 redeemed;
        uint96 unitValue;
        uint40 attestedAt;
        bytes32 classCode;
        bytes32 unit;
        bytes32 location;
        bytes32 attestationHash;
        string attestationURI;
    }

    mapping(LotId lot => uint256) private _lotStates;
    mapping(LotId lot => LotDetails) private _lotDetails;
    mapping(uint256 day => uint256 amount) private _expiringOn;
    /// @dev Bit `day & 255` of word `day >> 8`: day `day` has (or had) a bucket.
    mapping(uint256 word => uint256 bits) private _bucketDays;
    /// @dev Bit `(day >> 8) & 255` of word `day >> 16`: word `day >> 8` of {_bucketDays} is not empty.
    mapping(uint256 word => uint256 bits) private _bucketWords;
    /// @dev Bit `day >> 16` (days < 2^24): word `day >> 16` of {_bucketWords} is not empty.
    uint256 private _bucketGroups;
    mapping(uint256 releaseId => GoodsRelease) private _releases;
    uint256 private _releaseCount;
    uint256 private _aggregate;
    address private immutable _token;

    /// @notice Called by GoodsToken's constructor: the deployer becomes the token.
    /// @param admin The DEFAULT_ADMIN_ROLE holder, who grants CUSTODIAN_ROLE and AUDITOR_ROLE.
    /// @param adminDelay The delay of a default-admin transfer (AccessControlDefaultAdminRules), in seconds.
    constructor(address admin, uint48 adminDelay) AccessControlDefaultAdminRules(adminDelay, _nonZeroAdmin(admin)) {
        _token = msg.sender;
        _aggregate = _today() << SETTLED_DAY_SHIFT;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Custodian
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IReserveRegistry
    function attestLot(LotId lot, LotAttestation calldata attestation) external onlyRole(CUSTODIAN_ROLE) {
        if (LotId.unwrap(lot) == bytes32(0)) revert ReserveRegistryInvalidLotId(lot);
        if (_lotStates[lot] != 0) revert ReserveRegistryLotExists(lot);
        uint256 quantity = attestation.quantity;
        if (quantity == 0) revert ReserveRegistryInvalidQuantity(lot);
        uint256 valuation = attestation.valuation;
        // A goods unit must be worth at least one token unit: the unit value is what a redemption releases a unit at.
        if (valuation < quantity) revert ReserveRegistryInvalidValuation(lot, valuation);
        if (attestation.attestationHash == bytes32(0)) revert ReserveRegistryInvalidAttestationHash(lot);
        uint256 expiresAt = attestation.expiresAt;
        uint256 today = _today();
        _requireFutureExpiry(lot, expiresAt, today);

        // Rounded down, so the reserves never count more than the attested valuation.
        uint256 unitValue = valuation / quantity;
        uint256 reserveValue = quantity * unitValue;
        uint256 stored = _aggregate;
        _store(stored, _addReserves(_settled(stored, today), expiresAt, reserveValue));
        _lotStates[lot] = reserveValue | (expiresAt << EXPIRES_SHIFT) | (uint256(LotStatus.Active) << STATUS_SHIFT);
        _lotDetails[lot] = LotDetails({
            custodian: msg.sender,
            valuation: uint96(valuation),
            quantity: uint128(quantity),
            released: 0,
            redeemed: 0,
            unitValue: uint96(unitValue),
            attestedAt: uint40(block.timestamp),
            classCode: attestation.classCode,
            unit: attestation.unit,
            location: attestation.location,
            attestationHash: attestation.attestationHash,
            attestationURI: attestation.attestationURI
        });
        _emitLotAttested(lot, attestation);
    }

    /// @inheritdoc IReserveRegistry
    function renewAttestation(
        LotId lot,
        uint128 quantity,
        uint96 valuation,
        bytes32 attestationHash,
        string calldata attestationURI,
        uint40 expiresAt
    ) external onlyRole(CUSTODIAN_ROLE) {
        (uint256 state, LotDetails storage details) = _custodiedLot(lot);
        uint256 unitValue = _renewalUnitValue(lot, state, details, quantity, valuation);
        if (attestationHash == bytes32(0)) revert ReserveRegistryInvalidAttestationHash(lot);
        _requireFutureExpiry(lot, expiresAt, _today());
        _revalue(lot, state, quantity * unitValue, expiresAt);
        details.valuation = valuation;
        details.unitValue = uint96(unitValue);
        details.attestedAt = uint40(block.timestamp);
        details.attestationHash = attestationHash;
        details.attestationURI = attestationURI;
        emit AttestationRenewed(lot, msg.sender, quantity, valuation, attestationHash, attestationURI, expiresAt);
    }

    /// @dev The unit value of a renewal: checks that `quantity` is the goods in custody and that the new reserve value
    /// (`quantity × unitValue`, the new price applied to what remains) covers what is outstanding.
    function _renewalUnitValue(
        LotId lot,
        uint256 state,
        LotDetails storage details,
        uint256 quantity,
        uint256 valuation
    ) private view returns (uint256 unitValue) {
        uint256 inCustody = details.quantity - details.released;
        if (quantity == 0) revert ReserveRegistryInvalidQuantity(lot);
        if (quantity != inCustody) revert ReserveRegistryQuantityMismatch(lot, inCustody, quantity);
        if (valuation < quantity) revert ReserveRegistryInvalidValuation(lot, valuation);
        unitValue = valuation / quantity;
        uint256 outstanding = (state >> OUTSTANDING_SHIFT) & MASK96;
        if (quantity * unitValue < outstanding) {
            revert ReserveRegistryValuationBelowOutstanding(lot, outstanding, quantity * unitValue);
        }
    }

    /// @dev Replaces an active lot's reserve value and expiry (and its share of the reserves and buckets).
    function _revalue(LotId lot, uint256 state, uint256 reserveValue, uint256 expiresAt) private {
        uint256 today = _today();
        uint256 stored = _aggregate;
        uint256 aggregate = _removeIfCounted(_settled(stored, today), state, state & MASK96, today);
        _store(stored, _addReserves(aggregate, expiresAt, reserveValue));
        _lotStates[lot] = reserveValue | (state & (MASK96 << OUTSTANDING_SHIFT)) | (expiresAt << EXPIRES_SHIFT)
            | (uint256(LotStatus.Active) << STATUS_SHIFT);
    }

    /// @inheritdoc IReserveRegistry
    function releaseLot(LotId lot, bytes32 reasonCode) external onlyRole(CUSTODIAN_ROLE) {
        (uint256 state,) = _custodiedLot(lot);
        uint256 outstanding = (state >> OUTSTANDING_SHIFT) & MASK96;
        if (outstanding != 0) revert ReserveRegistryLotOutstanding(lot, outstanding);
        uint256 today = _today();
        uint256 stored = _aggregate;
        _store(stored, _removeIfCounted(_settled(stored, today), state, state & MASK96, today));
        _lotStates[lot] = _withStatus(state, LotStatus.Released);
        emit LotReleased(lot, msg.sender, reasonCode);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Custodian's admin
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IReserveRegistry
    function reassignLotCustodian(LotId lot, address newCustodian) external onlyRole(getRoleAdmin(CUSTODIAN_ROLE)) {
        if (_statusOf(_lotStates[lot]) == LotStatus.None) revert ReserveRegistryUnknownLot(lot);
        if (!hasRole(CUSTODIAN_ROLE, newCustodian)) revert ReserveRegistryInvalidCustodian(newCustodian);
        LotDetails storage details = _lotDetails[lot];
        address previous = details.custodian;
        details.custodian = newCustodian;
        emit LotCustodianReassigned(lot, previous, newCustodian);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Auditor
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IReserveRegistry
    function disputeLot(LotId lot, bytes32 reasonCode) external onlyRole(AUDITOR_ROLE) {
        uint256 state = _lotStates[lot];
        _requireActive(lot, state);
        uint256 today = _today();
        uint256 stored = _aggregate;
        _store(stored, _removeIfCounted(_settled(stored, today), state, state & MASK96, today));
        _lotStates[lot] = _withStatus(state, LotStatus.Disputed);
        emit LotDisputed(lot, msg.sender, reasonCode);
    }

    /// @inheritdoc IReserveRegistry
    function resolveDispute(LotId lot, bytes32 reasonCode) external onlyRole(AUDITOR_ROLE) {
        uint256 state = _lotStates[lot];
        LotStatus status = _statusOf(state);
        if (status != LotStatus.Disputed) {
            if (status == LotStatus.None) revert ReserveRegistryUnknownLot(lot);
            revert ReserveRegistryLotNotDisputed(lot);
        }
        uint256 today = _today();
        uint256 stored = _aggregate;
        uint256 aggregate = _settled(stored, today);
        uint256 expiresAt = (state >> EXPIRES_SHIFT) & MASK40;
        if (today < expiresAt / 1 days) aggregate = _addReserves(aggregate, expiresAt, state & MASK96);
        _store(stored, aggregate);
        _lotStates[lot] = _withStatus(state, LotStatus.Active);
        emit LotDisputeResolved(lot, msg.sender, reasonCode);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Token
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IReserveRegistry
    function recordIssue(LotId lot, uint256 amount) external returns (uint256 supplyAfter) {
        if (msg.sender != _token) revert ReserveRegistryCallerNotToken(msg.sender);
        uint256 state = _lotStates[lot];
        uint256 today = _today();
        uint256 available;
        // outstanding ≤ reserveValue always holds.
        unchecked {
            available = (state & MASK96) - ((state >> OUTSTANDING_SHIFT) & MASK96);
        }
        // One combined test on the hot path; {_revertIssue} names the rule that failed.
        if (
            state >> STATUS_SHIFT != uint256(LotStatus.Active) || today >= ((state >> EXPIRES_SHIFT) & MASK40) / 1 days
                || amount > available
        ) _revertIssue(lot, state, amount, available, today);
        // outstanding + amount ≤ reserveValue < 2^96: no carry out of the outstanding field.
        unchecked {
            _lotStates[lot] = state + (amount << OUTSTANDING_SHIFT);
        }
        uint256 aggregate = _aggregate;
        if ((aggregate >> SETTLED_DAY_SHIFT) & MASK24 != today) aggregate = _settle(aggregate, today);
        uint256 reserves = (aggregate >> RESERVES_SHIFT) & MASK96;
        supplyAfter = (aggregate & MASK96) + amount;
        if (supplyAfter > reserves) revert ReserveRegistryReservesExceeded(reserves, supplyAfter);
        // supplyAfter ≤ reserves < 2^96: no carry into the reserves field. An issue leaves coverage at 100% or more,
        // and the stored aggregate was covered too (an uncovered one makes every issue revert here), so there is
        // no coverage change to report.
        unchecked {
            _aggregate = aggregate + amount;
        }
    }

    /// @inheritdoc IReserveRegistry
    function recordRedemption(LotId lot, uint256 amount, bytes32 ref) external returns (uint256 releaseId) {
        if (msg.sender != _token) revert ReserveRegistryCallerNotToken(msg.sender);
        uint256 state = _lotStates[lot];
        LotStatus status = _statusOf(state);
        if (status == LotStatus.None) revert ReserveRegistryUnknownLot(lot);
        if (status == LotStatus.Released) revert ReserveRegistryLotReleased(lot);
        uint256 outstanding = (state >> OUTSTANDING_SHIFT) & MASK96;
        if (amount > outstanding) revert ReserveRegistryRedemptionExceedsOutstanding(lot, outstanding, amount);
        LotDetails storage details = _lotDetails[lot];
        // Whole goods units at the lot's unit value, rounded down: the redeemer never gets more goods than it paid
        // for, and a redemption that would release nothing is refused.
        uint256 unitValue = details.unitValue;
        uint256 quantity = amount / unitValue;
        if (quantity == 0) revert ReserveRegistryRedemptionBelowUnitValue(lot, unitValue, amount);
        _removeRedeemed(state, amount);
        // amount ≤ outstanding ≤ reserveValue.
        unchecked {
            _lotStates[lot] = state - amount - (amount << OUTSTANDING_SHIFT);
        }
        // quantity × unitValue ≤ amount ≤ reserveValue ≤ (quantity attested − released) × unitValue: the release
        // never takes `released` over `quantity`.
        details.released += uint128(quantity);
        details.redeemed += uint96(amount);

        releaseId = ++_releaseCount;
        _releases[releaseId] = GoodsRelease({
            lot: lot,
            amount: uint96(amount),
            releasedAt: uint40(block.timestamp),
            quantity: uint128(quantity),
            ref: ref
        });
        emit GoodsReleased(releaseId, lot, amount, quantity, ref);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Migration (called by the token's importLots; docs/DESIGN.md §5)
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IReserveRegistry
    function importLots(LotImport[] calldata lots) external returns (uint256 outstanding) {
        if (msg.sender != _token) revert ReserveRegistryCallerNotToken(msg.sender);
        uint256 today = _today();
        uint256 stored = _aggregate;
        uint256 aggregate = _settled(stored, today);
        for (uint256 i; i < lots.length; ++i) {
            (uint256 lotOutstanding, uint256 counted, uint256 expiresAt) = _importLot(lots[i], today);
            if (counted != 0) aggregate = _addReserves(aggregate, expiresAt, counted);
            outstanding += lotOutstanding;
        }
        if (outstanding > MASK96 - (aggregate & MASK96)) revert ReserveRegistryReservesOverflow(aggregate & MASK96, outstanding);
        _store(stored, aggregate + outstanding);
    }

    /// @dev Checks and writes one imported lot; returns its outstanding amount and what it counts in reserves now.
    function _importLot(LotImport calldata l, uint256 today)
        private
        returns (uint256 outstanding, uint256 counted, uint256 expiresAt)
    {
        LotId lot = l.lot;
        if (LotId.unwrap(lot) == bytes32(0)) revert ReserveRegistryInvalidLotId(lot);
        if (_lotStates[lot] != 0) revert ReserveRegistryLotExists(lot);
        uint256 quantity = l.quantity;
        if (quantity == 0) revert ReserveRegistryInvalidQuantity(lot);
        if (l.attestationHash == bytes32(0)) revert ReserveRegistryInvalidAttestationHash(lot);
        if (!hasRole(CUSTODIAN_ROLE, l.custodian)) revert ReserveRegistryInvalidCustodian(l.custodian);
        if (l.status == LotStatus.None) revert ReserveRegistryUnknownLot(lot);
        if (l.redeemed > l.issued) revert ReserveRegistryRedemptionExceedsOutstanding(lot, l.issued, l.redeemed);
        if (l.released > quantity) revert ReserveRegistryReleasedExceedsQuantity(lot, quantity, l.released);
        outstanding = l.issued - l.redeemed;
        if (l.status == LotStatus.Released && outstanding != 0) revert ReserveRegistryLotOutstanding(lot, outstanding);
        uint256 unitValue = l.valuation / quantity;
        // The reserve value never exceeds the goods still in custody at the latest price (invariant 2), nor what v1
        // counted (valuation − redeemed).
        uint256 reserveValue = (quantity - l.released) * unitValue;
        uint256 v1Reserves = l.valuation > l.redeemed ? l.valuation - l.redeemed : 0;
        if (v1Reserves < reserveValue) reserveValue = v1Reserves;
        if (outstanding > reserveValue) revert ReserveRegistryValuationBelowOutstanding(lot, outstanding, reserveValue);
        expiresAt = l.expiresAt;
        if (l.status == LotStatus.Active && today < expiresAt / 1 days) counted = reserveValue;
        _lotStates[lot] = reserveValue | (outstanding << OUTSTANDING_SHIFT) | (expiresAt << EXPIRES_SHIFT)
            | (uint256(l.status) << STATUS_SHIFT);
        _lotDetails[lot] = LotDetails({
            custodian: l.custodian,
            valuation: l.valuation,
            quantity: l.quantity,
            released: l.released,
            redeemed: l.redeemed,
            unitValue: uint96(unitValue),
            attestedAt: l.attestedAt,
            classCode: l.classCode,
            unit: l.unit,
            location: l.location,
            attestationHash: l.attestationHash,
            attestationURI: l.attestationURI
        });
        _emitLotImported(l, reserveValue);
    }

    /// @dev Emits {LotAttested} and {LotImported} for an imported lot (in its own frame, for the stack).
    function _emitLotImported(LotImport calldata l, uint256 reserveValue) private {
        emit LotAttested(
            l.lot, l.custodian, l.classCode, l.quantity, l.unit, l.valuation, l.location, l.attestationHash,
            l.attestationURI, l.expiresAt
        );
        emit LotImported(l.lot, l.issued, l.redeemed, l.released, reserveValue);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Views
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IReserveRegistry
    function token() external view returns (address) {
        return _token;
    }

    /// @inheritdoc IReserveRegistry
    function outstandingSupply() external view returns (uint256) {
        return _aggregate & MASK96;
    }

    /// @inheritdoc IReserveRegistry
    function lotInfo(LotId lot) external view returns (Lot memory info) {
        uint256 state = _lotStates[lot];
        LotDetails storage details = _lotDetails[lot];
        info.valuation = details.valuation;
        info.redeemed = details.redeemed;
        info.issued = uint96((state >> OUTSTANDING_SHIFT) & MASK96) + info.redeemed;
        info.expiresAt = uint40(state >> EXPIRES_SHIFT);
        info.status = _statusOf(state);
        info.custodian = details.custodian;
        info.quantity = details.quantity;
        info.released = details.released;
        info.unitValue = details.unitValue;
        info.reserveValue = uint96(state);
        info.attestedAt = details.attestedAt;
        info.classCode = details.classCode;
        info.unit = details.unit;
        info.location = details.location;
        info.attestationHash = details.attestationHash;
        info.attestationURI = details.attestationURI;
    }

    /// @inheritdoc IReserveRegistry
    function availableToIssue(LotId lot) external view returns (uint256) {
        uint256 state = _lotStates[lot];
        if (_statusOf(state) != LotStatus.Active) return 0;
        if (_today() >= ((state >> EXPIRES_SHIFT) & MASK40) / 1 days) return 0;
        return (state & MASK96) - ((state >> OUTSTANDING_SHIFT) & MASK96);
    }

    /// @inheritdoc IReserveRegistry
    function validReserves() external view returns (uint256) {
        return (_settledView(_aggregate, _today()) >> RESERVES_SHIFT) & MASK96;
    }

    /// @inheritdoc IReserveRegistry
    function coverage() external view returns (uint256 reserves, uint256 supply) {
        uint256 aggregate = _settledView(_aggregate, _today());
        return ((aggregate >> RESERVES_SHIFT) & MASK96, aggregate & MASK96);
    }

    /// @inheritdoc IReserveRegistry
    function goodsRelease(uint256 releaseId) external view returns (GoodsRelease memory) {
        return _releases[releaseId];
    }

    /// @inheritdoc IReserveRegistry
    function goodsReleaseCount() external view returns (uint256) {
        return _releaseCount;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Private helpers
    // ----------------------------------------------------------------------------------------------------------

    /// @dev Takes redeemed tokens off the outstanding supply (amount ≤ the lot's outstanding ≤ the total) and, if the
    /// lot counts, off the reserves: the lot's reserve value drops by the whole amount (≥ the goods released ×
    /// unitValue), so it stays ≥ outstanding and ≤ the goods in custody × unitValue.
    function _removeRedeemed(uint256 state, uint256 amount) private {
        uint256 today = _today();
        uint256 stored = _aggregate;
        uint256 aggregate;
        unchecked {
            aggregate = _settled(stored, today) - amount;
        }
        _store(stored, _removeIfCounted(aggregate, state, amount, today));
    }

    /// @dev Reverts with {ReserveRegistryInvalidAdmin} for the zero address (before OpenZeppelin's own check).
    function _nonZeroAdmin(address admin) private pure returns (address) {
        if (admin == address(0)) revert ReserveRegistryInvalidAdmin(address(0));
        return admin;
    }

    /// @dev Emits {LotAttested} (in its own frame: the event has more fields than the caller's stack can hold).
    function _emitLotAttested(LotId lot, LotAttestation calldata a) private {
        emit LotAttested(
            lot,
            msg.sender,
            a.classCode,
            a.quantity,
            a.unit,
            a.valuation,
            a.location,
            a.attestationHash,
            a.attestationURI,
            a.expiresAt
        );
    }

    function _today() private view returns (uint256) {
        return block.timestamp / 1 days;
    }

    function _statusOf(uint256 state) private pure returns (LotStatus) {
        return LotStatus(state >> STATUS_SHIFT);
    }

    function _withStatus(uint256 state, LotStatus status) private pure returns (uint256) {
        return (state & ~(uint256(0xff) << STATUS_SHIFT)) | (uint256(status) << STATUS_SHIFT);
    }

    /// @dev Reverts unless the lot exists and is active (not disputed or released).
    function _requireActive(LotId lot, uint256 state) private pure {
        LotStatus status = _statusOf(state);
        if (status == LotStatus.Active) return;
        if (status == LotStatus.None) revert ReserveRegistryUnknownLot(lot);
        if (status == LotStatus.Disputed) revert ReserveRegistryLotDisputed(lot);
        revert ReserveRegistryLotReleased(lot);
    }

    /// @dev Reverts with the first issue rule that fails, in the order: status, expiry, capacity.
    function _revertIssue(LotId lot, uint256 state, uint256 amount, uint256 available, uint256 today)
        private
        pure
    {
        _requireActive(lot, state);
        uint256 expiresAt = (state >> EXPIRES_SHIFT) & MASK40;
        if (today >= expiresAt / 1 days) revert ReserveRegistryLotExpired(lot, expiresAt);
        revert ReserveRegistryLotCapacityExceeded(lot, available, amount);
    }

    /// @dev The state and details of an active lot whose custodian is the caller.
    function _custodiedLot(LotId lot) private view returns (uint256 state, LotDetails storage details) {
        state = _lotStates[lot];
        _requireActive(lot, state);
        details = _lotDetails[lot];
        address custodian = details.custodian;
        if (custodian != msg.sender) revert ReserveRegistryNotLotCustodian(lot, msg.sender, custodian);
    }

    /// @dev Reverts unless the UTC day of `expiresAt` is after today (a lot stops counting on its expiry day).
    function _requireFutureExpiry(LotId lot, uint256 expiresAt, uint256 today) private pure {
        if (expiresAt / 1 days <= today) revert ReserveRegistryInvalidExpiry(lot, expiresAt);
    }

    /// @dev Adds `amount` to the reserves and to the bucket of the day `expiresAt` falls on (marking the day).
    function _addReserves(uint256 aggregate, uint256 expiresAt, uint256 amount) private returns (uint256) {
        uint256 reserves = (aggregate >> RESERVES_SHIFT) & MASK96;
        if (amount > MASK96 - reserves) revert ReserveRegistryReservesOverflow(reserves, amount);
        uint256 day = expiresAt / 1 days;
        _expiringOn[day] += amount;
        _markDay(day);
        // reserves + amount ≤ 2^96 − 1: no carry into the settled day.
        unchecked {
            return aggregate + (amount << RESERVES_SHIFT);
        }
    }

    /// @dev Removes `amount` (at most the lot's reserve value) from the reserves and from the lot's expiry bucket if
    /// the lot counts (active and not expired); otherwise changes nothing.
    function _removeIfCounted(uint256 aggregate, uint256 state, uint256 amount, uint256 today)
        private
        returns (uint256)
    {
        uint256 expiryDay = ((state >> EXPIRES_SHIFT) & MASK40) / 1 days;
        if (_statusOf(state) != LotStatus.Active || today >= expiryDay) return aggregate;
        // A counted lot's reserve value is part of both the reserves and its bucket, and amount ≤ it.
        unchecked {
            _expiringOn[expiryDay] -= amount;
            return aggregate - (amount << RESERVES_SHIFT);
        }
    }

    /// @dev Writes the aggregate and reports a change of coverage against the stored one: {ReserveShortfall} when
    /// the outstanding supply first exceeds the valid reserves, {ReserveShortfallRecovered} when it no longer does.
    function _store(uint256 stored, uint256 aggregate) private {
        _aggregate = aggregate;
        bool wasCovered = stored & MASK96 <= (stored >> RESERVES_SHIFT) & MASK96;
        uint256 supply = aggregate & MASK96;
        uint256 reserves = (aggregate >> RESERVES_SHIFT) & MASK96;
        if (wasCovered && supply > reserves) emit ReserveShortfall(reserves, supply);
        else if (!wasCovered && supply <= reserves) emit ReserveShortfallRecovered(reserves, supply);
    }

    /// @dev The aggregate `stored`, settled through today (not written back: every caller stores it).
    function _settled(uint256 stored, uint256 today) private returns (uint256) {
        return (stored >> SETTLED_DAY_SHIFT) & MASK24 == today ? stored : _settle(stored, today);
    }

    /// @dev Subtracts and clears the buckets of the days in (settledDay, today], found through the day bitmap.
    function _settle(uint256 aggregate, uint256 today) private returns (uint256) {
        uint256 reserves = (aggregate >> RESERVES_SHIFT) & MASK96;
        for (uint256 day = _nextDay(((aggregate >> SETTLED_DAY_SHIFT) & MASK24) + 1); day <= today; day = _nextDay(day + 1)) {
            uint256 expiring = _expiringOn[day];
            if (expiring != 0) {
                // The bucket is part of the reserves.
                unchecked {
                    reserves -= expiring;
                }
                delete _expiringOn[day];
                emit ReservesExpired(day, expiring);
            }
        }
        return (aggregate & MASK96) | (reserves << RESERVES_SHIFT) | (today << SETTLED_DAY_SHIFT);
    }

    /// @dev Like {_settle}, without writing: for views.
    function _settledView(uint256 aggregate, uint256 today) private view returns (uint256) {
        uint256 reserves = (aggregate >> RESERVES_SHIFT) & MASK96;
        for (uint256 day = _nextDay(((aggregate >> SETTLED_DAY_SHIFT) & MASK24) + 1); day <= today; day = _nextDay(day + 1)) {
            reserves -= _expiringOn[day];
        }
        return (aggregate & MASK96) | (reserves << RESERVES_SHIFT) | (today << SETTLED_DAY_SHIFT);
    }

    /// @dev Marks `day` in the three-level bitmap (each level written only when its bit is new).
    function _markDay(uint256 day) private {
        uint256 word = day >> 8;
        uint256 bits = _bucketDays[word];
        uint256 bit = 1 << (day & 255);
        if (bits & bit != 0) return;
        _bucketDays[word] = bits | bit;
        uint256 group = day >> 16;
        bits = _bucketWords[group];
        bit = 1 << (word & 255);
        if (bits & bit != 0) return;
        _bucketWords[group] = bits | bit;
        _bucketGroups |= 1 << group;
    }

    /// @dev The first marked day ≥ `from`, or NO_DAY: at most three bitmap reads (a mark on a day already settled is
    /// never looked at again, because the search always starts after the settled day, so marks are never cleared).
    function _nextDay(uint256 from) private view returns (uint256) {
        if (from > MASK24) return NO_DAY;
        uint256 word = from >> 8;
        uint256 bits = _bucketDays[word] & (type(uint256).max << (from & 255));
        if (bits != 0) return (word << 8) | _lowestBit(bits);
        // The next non-empty day word after `word`, in its group, then in a later group.
        uint256 group = from >> 16;
        uint256 index = word & 255;
        bits = index == 255 ? 0 : _bucketWords[group] & (type(uint256).max << (index + 1));
        if (bits == 0) {
            bits = group == 255 ? 0 : _bucketGroups & (type(uint256).max << (group + 1));
            if (bits == 0) return NO_DAY;
            group = _lowestBit(bits);
            bits = _bucketWords[group];
        }
        word = (group << 8) | _lowestBit(bits);
        return (word << 8) | _lowestBit(_bucketDays[word]);
    }

    /// @dev Index of the lowest set bit of a non-zero word.
    function _lowestBit(uint256 bits) private pure returns (uint256) {
        // bits & -bits isolates the lowest set bit (two's complement; bits ≠ 0).
        unchecked {
            return Math.log2(bits & (~bits + 1));
        }
    }
}

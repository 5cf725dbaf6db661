// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IReserveRegistryV1} from "./interfaces/IReserveRegistryV1.sol";
import {LotIdV1} from "./types/LotIdV1.sol";

/// @title ReserveRegistryV1
/// @notice Goods lots, their attestations and goods-release records; caps issuance per lot and in total.
/// @dev Storage is shaped for the issue path, which reads and writes two slots:
/// - lot state word: valuation 0–95 | issued 96–191 | expiresAt 192–231 | status 232–239;
/// - aggregate word: outstandingSupply 0–95 | validReserves 96–191 | settledDay 192–215.
/// `validReserves` is exact as of `settledDay`; a lot expiring on day d is in bucket `_expiringOn[d]`, and settling
/// up to today subtracts the buckets of the days that have begun since. Every write to reserves settles first.
/// The token is the deployer (GoodsTokenV1 creates this contract), kept as an immutable so the issue path's caller
/// check reads no storage.
contract ReserveRegistryV1 is AccessControl, IReserveRegistryV1 {
    /// @inheritdoc IReserveRegistryV1
    bytes32 public constant CUSTODIAN_ROLE = keccak256("CUSTODIAN_ROLE");
    /// @inheritdoc IReserveRegistryV1
    bytes32 public constant AUDITOR_ROLE = keccak256("AUDITOR_ROLE");

    uint256 private constant MASK24 = 0xffffff;
    uint256 private constant MASK40 = 0xffffffffff;
    uint256 private constant MASK96 = (1 << 96) - 1;
    uint256 private constant ISSUED_SHIFT = 96;
    uint256 private constant EXPIRES_SHIFT = 192;
    uint256 private constant STATUS_SHIFT = 232;
    uint256 private constant RESERVES_SHIFT = 96;
    uint256 private constant SETTLED_DAY_SHIFT = 192;

    /// @dev The parts of a lot that the issue path does not read.
    struct LotDetails {
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

    mapping(LotIdV1 lot => uint256) private _lotStates;
    mapping(LotIdV1 lot => LotDetails) private _lotDetails;
    mapping(uint256 day => uint256 amount) private _expiringOn;
    mapping(uint256 releaseId => GoodsRelease) private _releases;
    uint256 private _releaseCount;
    uint256 private _aggregate;
    address private immutable _token;

    /// @notice Called by GoodsTokenV1's constructor: the deployer becomes the token.
    /// @param admin The DEFAULT_ADMIN_ROLE holder, who grants CUSTODIAN_ROLE and AUDITOR_ROLE.
    constructor(address admin) {
        if (admin == address(0)) revert ReserveRegistryInvalidAdmin(address(0));
        _token = msg.sender;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _aggregate = _today() << SETTLED_DAY_SHIFT;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Custodian
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IReserveRegistryV1
    function attestLot(LotIdV1 lot, LotAttestation calldata attestation) external onlyRole(CUSTODIAN_ROLE) {
        if (LotIdV1.unwrap(lot) == bytes32(0)) revert ReserveRegistryInvalidLotId(lot);
        if (_lotStates[lot] != 0) revert ReserveRegistryLotExists(lot);
        uint256 valuation = attestation.valuation;
        if (valuation == 0) revert ReserveRegistryInvalidValuation(lot, 0);
        if (attestation.quantity == 0) revert ReserveRegistryInvalidQuantity(lot);
        if (attestation.attestationHash == bytes32(0)) revert ReserveRegistryInvalidAttestationHash(lot);
        uint256 expiresAt = attestation.expiresAt;
        uint256 today = _today();
        _requireFutureExpiry(lot, expiresAt, today);

        uint256 aggregate = _settled(today);
        _aggregate = _addReserves(aggregate, expiresAt, valuation);
        _lotStates[lot] = valuation | (expiresAt << EXPIRES_SHIFT) | (uint256(LotStatus.Active) << STATUS_SHIFT);
        _lotDetails[lot] = LotDetails({
            custodian: msg.sender,
            redeemed: 0,
            quantity: attestation.quantity,
            attestedAt: uint40(block.timestamp),
            classCode: attestation.classCode,
            unit: attestation.unit,
            location: attestation.location,
            attestationHash: attestation.attestationHash,
            attestationURI: attestation.attestationURI
        });
        _emitLotAttested(lot, attestation);
    }

    /// @inheritdoc IReserveRegistryV1
    function renewAttestation(
        LotIdV1 lot,
        uint96 valuation,
        bytes32 attestationHash,
        string calldata attestationURI,
        uint40 expiresAt
    ) external onlyRole(CUSTODIAN_ROLE) {
        (uint256 state, LotDetails storage details) = _custodiedLot(lot);
        uint256 issued = (state >> ISSUED_SHIFT) & MASK96;
        if (valuation == 0) revert ReserveRegistryInvalidValuation(lot, 0);
        if (valuation < issued) revert ReserveRegistryValuationBelowIssued(lot, issued, valuation);
        if (attestationHash == bytes32(0)) revert ReserveRegistryInvalidAttestationHash(lot);
        uint256 today = _today();
        _requireFutureExpiry(lot, expiresAt, today);

        uint256 redeemed = details.redeemed;
        uint256 aggregate = _removeIfCounted(_settled(today), state, (state & MASK96) - redeemed, today);
        _aggregate = _addReserves(aggregate, expiresAt, valuation - redeemed);
        _lotStates[lot] = uint256(valuation) | (issued << ISSUED_SHIFT) | (uint256(expiresAt) << EXPIRES_SHIFT)
            | (uint256(LotStatus.Active) << STATUS_SHIFT);
        details.attestedAt = uint40(block.timestamp);
        details.attestationHash = attestationHash;
        details.attestationURI = attestationURI;
        emit AttestationRenewed(lot, msg.sender, valuation, attestationHash, attestationURI, expiresAt);
    }

    /// @inheritdoc IReserveRegistryV1
    function releaseLot(LotIdV1 lot, bytes32 reasonCode) external onlyRole(CUSTODIAN_ROLE) {
        (uint256 state, LotDetails storage details) = _custodiedLot(lot);
        uint256 redeemed = details.redeemed;
        uint256 outstanding = ((state >> ISSUED_SHIFT) & MASK96) - redeemed;
        if (outstanding != 0) revert ReserveRegistryLotOutstanding(lot, outstanding);
        uint256 today = _today();
        _aggregate = _removeIfCounted(_settled(today), state, (state & MASK96) - redeemed, today);
        _lotStates[lot] = _withStatus(state, LotStatus.Released);
        emit LotReleased(lot, msg.sender, reasonCode);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Auditor
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IReserveRegistryV1
    function disputeLot(LotIdV1 lot, bytes32 reasonCode) external onlyRole(AUDITOR_ROLE) {
        uint256 state = _lotStates[lot];
        _requireActive(lot, state);
        uint256 today = _today();
        uint256 remaining = (state & MASK96) - _lotDetails[lot].redeemed;
        _aggregate = _removeIfCounted(_settled(today), state, remaining, today);
        _lotStates[lot] = _withStatus(state, LotStatus.Disputed);
        emit LotDisputed(lot, msg.sender, reasonCode);
    }

    /// @inheritdoc IReserveRegistryV1
    function resolveDispute(LotIdV1 lot, bytes32 reasonCode) external onlyRole(AUDITOR_ROLE) {
        uint256 state = _lotStates[lot];
        LotStatus status = _statusOf(state);
        if (status != LotStatus.Disputed) {
            if (status == LotStatus.None) revert ReserveRegistryUnknownLot(lot);
            revert ReserveRegistryLotNotDisputed(lot);
        }
        uint256 today = _today();
        uint256 aggregate = _settled(today);
        uint256 expiresAt = (state >> EXPIRES_SHIFT) & MASK40;
        if (today < expiresAt / 1 days) {
            aggregate = _addReserves(aggregate, expiresAt, (state & MASK96) - _lotDetails[lot].redeemed);
        }
        _aggregate = aggregate;
        _lotStates[lot] = _withStatus(state, LotStatus.Active);
        emit LotDisputeResolved(lot, msg.sender, reasonCode);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Token
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IReserveRegistryV1
    function recordIssue(LotIdV1 lot, uint256 amount) external returns (uint256 supplyAfter) {
        if (msg.sender != _token) revert ReserveRegistryCallerNotToken(msg.sender);
        uint256 state = _lotStates[lot];
        uint256 today = _today();
        uint256 available;
        // issued ≤ valuation always holds.
        unchecked {
            available = (state & MASK96) - ((state >> ISSUED_SHIFT) & MASK96);
        }
        // One combined test on the hot path; {_revertIssue} names the rule that failed.
        if (
            state >> STATUS_SHIFT != uint256(LotStatus.Active) || today >= ((state >> EXPIRES_SHIFT) & MASK40) / 1 days
                || amount > available
        ) _revertIssue(lot, state, amount, available, today);
        // issued + amount ≤ valuation < 2^96: no carry out of the issued field.
        unchecked {
            _lotStates[lot] = state + (amount << ISSUED_SHIFT);
        }
        uint256 aggregate = _settled(today);
        uint256 reserves = (aggregate >> RESERVES_SHIFT) & MASK96;
        supplyAfter = (aggregate & MASK96) + amount;
        if (supplyAfter > reserves) revert ReserveRegistryReservesExceeded(reserves, supplyAfter);
        // supplyAfter ≤ reserves < 2^96: no carry into the reserves field.
        unchecked {
            _aggregate = aggregate + amount;
        }
    }

    /// @inheritdoc IReserveRegistryV1
    function recordRedemption(LotIdV1 lot, uint256 amount, bytes32 ref) external returns (uint256 releaseId) {
        if (msg.sender != _token) revert ReserveRegistryCallerNotToken(msg.sender);
        uint256 state = _lotStates[lot];
        LotStatus status = _statusOf(state);
        if (status == LotStatus.None) revert ReserveRegistryUnknownLot(lot);
        if (status == LotStatus.Released) revert ReserveRegistryLotReleased(lot);
        LotDetails storage details = _lotDetails[lot];
        uint256 redeemed = details.redeemed;
        uint256 outstanding = ((state >> ISSUED_SHIFT) & MASK96) - redeemed;
        if (amount > outstanding) revert ReserveRegistryRedemptionExceedsOutstanding(lot, outstanding, amount);

        uint256 today = _today();
        // The burned tokens leave the outstanding supply (amount ≤ the lot's outstanding ≤ the total), and, if
        // the lot counts, its remaining value (valuation − redeemed ≥ outstanding ≥ amount) leaves the reserves.
        uint256 aggregate;
        unchecked {
            aggregate = _settled(today) - amount;
        }
        _aggregate = _removeIfCounted(aggregate, state, amount, today);
        // amount ≤ outstanding ≤ issued < 2^96.
        details.redeemed = uint96(redeemed + amount);

        uint256 valuation = state & MASK96;
        uint256 quantity = (amount * details.quantity) / valuation;
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
    // Views
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IReserveRegistryV1
    function token() external view returns (address) {
        return _token;
    }

    /// @inheritdoc IReserveRegistryV1
    function outstandingSupply() external view returns (uint256) {
        return _aggregate & MASK96;
    }

    /// @inheritdoc IReserveRegistryV1
    function lotInfo(LotIdV1 lot) external view returns (Lot memory info) {
        uint256 state = _lotStates[lot];
        LotDetails storage details = _lotDetails[lot];
        info.valuation = uint96(state);
        info.issued = uint96(state >> ISSUED_SHIFT);
        info.expiresAt = uint40(state >> EXPIRES_SHIFT);
        info.status = _statusOf(state);
        info.custodian = details.custodian;
        info.redeemed = details.redeemed;
        info.quantity = details.quantity;
        info.attestedAt = details.attestedAt;
        info.classCode = details.classCode;
        info.unit = details.unit;
        info.location = details.location;
        info.attestationHash = details.attestationHash;
        info.attestationURI = details.attestationURI;
    }

    /// @inheritdoc IReserveRegistryV1
    function availableToIssue(LotIdV1 lot) external view returns (uint256) {
        uint256 state = _lotStates[lot];
        if (_statusOf(state) != LotStatus.Active) return 0;
        if (_today() >= ((state >> EXPIRES_SHIFT) & MASK40) / 1 days) return 0;
        return (state & MASK96) - ((state >> ISSUED_SHIFT) & MASK96);
    }

    /// @inheritdoc IReserveRegistryV1
    function validReserves() external view returns (uint256) {
        return (_settledView(_aggregate, _today()) >> RESERVES_SHIFT) & MASK96;
    }

    /// @inheritdoc IReserveRegistryV1
    function goodsRelease(uint256 releaseId) external view returns (GoodsRelease memory) {
        return _releases[releaseId];
    }

    /// @inheritdoc IReserveRegistryV1
    function goodsReleaseCount() external view returns (uint256) {
        return _releaseCount;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Private helpers
    // ----------------------------------------------------------------------------------------------------------

    /// @dev Emits {LotAttested} (in its own frame: the event has more fields than the caller's stack can hold).
    function _emitLotAttested(LotIdV1 lot, LotAttestation calldata a) private {
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
    function _requireActive(LotIdV1 lot, uint256 state) private pure {
        LotStatus status = _statusOf(state);
        if (status == LotStatus.Active) return;
        if (status == LotStatus.None) revert ReserveRegistryUnknownLot(lot);
        if (status == LotStatus.Disputed) revert ReserveRegistryLotDisputed(lot);
        revert ReserveRegistryLotReleased(lot);
    }

    /// @dev Reverts with the first issue rule that fails, in the order: status, expiry, capacity.
    function _revertIssue(LotIdV1 lot, uint256 state, uint256 amount, uint256 available, uint256 today)
        private
        pure
    {
        _requireActive(lot, state);
        uint256 expiresAt = (state >> EXPIRES_SHIFT) & MASK40;
        if (today >= expiresAt / 1 days) revert ReserveRegistryLotExpired(lot, expiresAt);
        revert ReserveRegistryLotCapacityExceeded(lot, available, amount);
    }

    /// @dev The state and details of an active lot whose custodian is the caller.
    function _custodiedLot(LotIdV1 lot) private view returns (uint256 state, LotDetails storage details) {
        state = _lotStates[lot];
        _requireActive(lot, state);
        details = _lotDetails[lot];
        address custodian = details.custodian;
        if (custodian != msg.sender) revert ReserveRegistryNotLotCustodian(lot, msg.sender, custodian);
    }

    /// @dev Reverts unless the UTC day of `expiresAt` is after today (a lot stops counting on its expiry day).
    function _requireFutureExpiry(LotIdV1 lot, uint256 expiresAt, uint256 today) private pure {
        if (expiresAt / 1 days <= today) revert ReserveRegistryInvalidExpiry(lot, expiresAt);
    }

    /// @dev Adds `amount` to the reserves and to the bucket of the day `expiresAt` falls on.
    function _addReserves(uint256 aggregate, uint256 expiresAt, uint256 amount) private returns (uint256) {
        uint256 reserves = (aggregate >> RESERVES_SHIFT) & MASK96;
        if (amount > MASK96 - reserves) revert ReserveRegistryReservesOverflow(reserves, amount);
        _expiringOn[expiresAt / 1 days] += amount;
        // reserves + amount ≤ 2^96 − 1: no carry into the settled day.
        unchecked {
            return aggregate + (amount << RESERVES_SHIFT);
        }
    }

    /// @dev Removes `amount` (at most the lot's remaining value, `valuation − redeemed`) from the reserves and from
    /// the lot's expiry bucket if the lot counts (active and not expired); otherwise changes nothing.
    function _removeIfCounted(uint256 aggregate, uint256 state, uint256 amount, uint256 today)
        private
        returns (uint256)
    {
        uint256 expiryDay = ((state >> EXPIRES_SHIFT) & MASK40) / 1 days;
        if (_statusOf(state) != LotStatus.Active || today >= expiryDay) return aggregate;
        // A counted lot's remaining value is part of both the reserves and its bucket, and amount ≤ it.
        unchecked {
            _expiringOn[expiryDay] -= amount;
            return aggregate - (amount << RESERVES_SHIFT);
        }
    }

    /// @dev The stored aggregate, settled through today (not written back: every caller writes it).
    function _settled(uint256 today) private returns (uint256) {
        uint256 aggregate = _aggregate;
        return (aggregate >> SETTLED_DAY_SHIFT) & MASK24 == today ? aggregate : _settle(aggregate, today);
    }

    /// @dev Subtracts the buckets of every day in (settledDay, today] and clears them.
    function _settle(uint256 aggregate, uint256 today) private returns (uint256) {
        uint256 reserves = (aggregate >> RESERVES_SHIFT) & MASK96;
        for (uint256 day = ((aggregate >> SETTLED_DAY_SHIFT) & MASK24) + 1; day <= today; ++day) {
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
        for (uint256 day = ((aggregate >> SETTLED_DAY_SHIFT) & MASK24) + 1; day <= today; ++day) {
            reserves -= _expiringOn[day];
        }
        return (aggregate & MASK96) | (reserves << RESERVES_SHIFT) | (today << SETTLED_DAY_SHIFT);
    }
}

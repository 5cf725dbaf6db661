// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {GoodsToken} from "../../../contracts/GoodsToken.sol";
import {ReserveRegistry} from "../../../contracts/ReserveRegistry.sol";
import {IReserveRegistry} from "../../../contracts/interfaces/IReserveRegistry.sol";
import {IWalletRegistry} from "../../../contracts/interfaces/IWalletRegistry.sol";
import {LotId} from "../../../contracts/types/LotId.sol";
import {Vm, bound} from "./TestBase.sol";

/// @notice The invariant runner's target: random operations on a ledger (every value-moving path, issue, redeem,
/// revaluation, custodian rotation, freeze and denylist, seizure, disputes, the passing of time). The handler holds
/// every role itself (role separation is tested elsewhere) and is the issuer's wallet. Each operation may revert
/// (the runner ignores reverts); what succeeded is checked against the chain: the handler records, from balances and
/// records read before and after, any debit of a blocked wallet and every sender's outflow per UTC day, and checks
/// the supply cap right after every issue. The test contract asserts those records and the chain's state.
contract LedgerHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    GoodsToken public immutable token;
    ReserveRegistry public immutable registry;
    address public immutable custodian2;

    uint256 internal constant ACTORS = 5;
    uint256 internal constant LOTS = 3;
    uint256 internal constant UNIT = 1e6;

    address[ACTORS] internal _actors;
    uint256[ACTORS] internal _keys;
    LotId[LOTS] internal _lots;

    /// @notice Set when a successful issue left the supply above the valid reserves.
    bool public issueBrokeSupplyCap;
    /// @notice Set when a frozen or denylisted wallet's balance went down other than by a seizure.
    bool public blockedWalletDebited;
    /// @notice Outflow seen on chain (balance decreases of the sender, seizures excluded) per account and UTC day.
    mapping(address account => mapping(uint256 day => uint256)) public observedOutflow;
    /// @notice The largest observed outflow minus its daily limit (0 while every day stays within its limit).
    uint256 public worstOutflowExcess;
    /// @notice How many operations of each kind succeeded (so a run that never moves value is visible).
    mapping(bytes32 kind => uint256) public succeeded;
    uint256 public calls;

    constructor(GoodsToken token_, address custodian2_) {
        token = token_;
        registry = ReserveRegistry(address(token_.reserveRegistry()));
        custodian2 = custodian2_;
        for (uint256 i; i < ACTORS; ++i) {
            _keys[i] = 0xA11CE + i;
            _actors[i] = vm.addr(_keys[i]);
        }
    }

    /// @notice Called once by the test's setUp (the handler is the admin's delegate for wiring).
    function setUpLedger() external {
        uint24 kyc = uint24(block.timestamp / 1 days + 4_000);
        // Tier 1's daily outflow is close to its single-transfer limit, so two transfers in a day can reach it.
        token.setTierLimits(1, uint64(300_000 * UNIT), uint64(50_000 * UNIT), uint64(60_000 * UNIT));
        token.setTierLimits(2, uint64(500_000 * UNIT), uint64(100_000 * UNIT), uint64(200_000 * UNIT));
        token.setTierLimits(3, type(uint64).max, type(uint64).max, type(uint64).max);
        token.registerWallet(address(this), 4, 3, 1, 1, kyc);
        for (uint256 i; i < ACTORS; ++i) {
            // Actors 0–1 tier 1, 2–3 tier 2, 4 tier 3; actor 3's KYC expires within the runs' time span.
            uint8 tier = i < 2 ? 1 : (i < 4 ? 2 : 3);
            token.registerWallet(_actors[i], 1, tier, 1, 1, i == 3 ? uint24(block.timestamp / 1 days + 20) : kyc);
        }
        // Lot 0: 500,000 kg at 20 tokens; lot 1: 1,200 bags at 83.333333; lot 2: 100 units at 1 token (issue 8's lot).
        _attest(0, "MAIZE", 500_000, 10_000_000 * UNIT, 400 days);
        _attest(1, "COFFEE", 1_200, 100_000 * UNIT, 60 days);
        _attest(2, "SALT", 100, 100 * UNIT, 30 days);
        // Opening balances, so value moves from the first call on.
        token.issue(_lots[0], address(this), 1_000_000 * UNIT, "open");
        for (uint256 i; i < ACTORS; ++i) token.issue(_lots[0], _actors[i], (i < 2 ? 200_000 : 300_000) * UNIT, "open");
    }

    function _attest(uint256 i, bytes32 class, uint128 quantity, uint256 valuation, uint256 validFor) private {
        _lots[i] = LotId.wrap(keccak256(abi.encode("lot", i)));
        registry.attestLot(
            _lots[i],
            IReserveRegistry.LotAttestation({
                classCode: class,
                quantity: quantity,
                unit: "kg",
                valuation: uint96(valuation),
                location: "NG-KN-WH01",
                attestationHash: keccak256(abi.encode(class)),
                attestationURI: "ipfs://a",
                expiresAt: uint40(block.timestamp + validFor)
            })
        );
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views for the test contract
    // ------------------------------------------------------------------------------------------------------------

    function actor(uint256 i) external view returns (address) {
        return _actors[i];
    }

    function lot(uint256 i) external view returns (LotId) {
        return _lots[i];
    }

    function actorCount() external pure returns (uint256) {
        return ACTORS;
    }

    function lotCount() external pure returns (uint256) {
        return LOTS;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Operations (the runner calls these with random arguments)
    // ------------------------------------------------------------------------------------------------------------

    function issue(uint256 lotSeed, uint256 toSeed, uint256 amount) external {
        address to = _holder(toSeed);
        amount = _amount(amount, 1, 400_000);
        Snapshot memory s = _snapshot();
        try token.issue(_lots[lotSeed % LOTS], to, amount, "issue") {
            if (token.totalSupply() > registry.validReserves()) issueBrokeSupplyCap = true;
            _afterMove(s, address(0));
            ++succeeded["issue"];
        } catch {}
        ++calls;
    }

    function redeem(uint256 lotSeed, uint256 amount) external {
        LotId l = _lots[lotSeed % LOTS];
        IReserveRegistry.Lot memory info = registry.lotInfo(l);
        // Mostly whole units, sometimes a fraction over, sometimes below one unit.
        amount = _amount(amount, 1, 200_000);
        if (info.unitValue != 0 && amount % 3 == 0) amount = (amount / info.unitValue + 1) * info.unitValue;
        Snapshot memory s = _snapshot();
        try token.redeem(l, amount, "redeem") {
            _afterMove(s, address(0));
            ++succeeded["redeem"];
        } catch {}
        ++calls;
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _holder(fromSeed);
        amount = _amount(amount, 0, 120_000);
        Snapshot memory s = _snapshot();
        vm.prank(from);
        try token.transfer(_holder(toSeed), amount) {
            _afterMove(s, address(0));
            ++succeeded["transfer"];
        } catch {}
        ++calls;
    }

    function transferFrom(uint256 ownerSeed, uint256 spenderSeed, uint256 toSeed, uint256 amount) external {
        address owner = _holder(ownerSeed);
        address spender = _holder(spenderSeed);
        amount = _amount(amount, 0, 120_000);
        vm.prank(owner);
        try token.approve(spender, amount) {} catch {}
        Snapshot memory s = _snapshot();
        vm.prank(spender);
        try token.transferFrom(owner, _holder(toSeed), amount) {
            _afterMove(s, address(0));
            ++succeeded["transferFrom"];
        } catch {}
        ++calls;
    }

    function payWithAuthorization(uint256 fromSeed, uint256 toSeed, uint256 amount, bytes32 requestId) external {
        uint256 i = fromSeed % ACTORS;
        address to = _holder(toSeed);
        amount = _amount(amount, 0, 120_000);
        bytes32 structHash = keccak256(
            abi.encode(token.PAYMENT_AUTHORIZATION_TYPEHASH(), _actors[i], to, amount, 0, block.timestamp + 1 hours, requestId)
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 sig) = vm.sign(_keys[i], digest);
        Snapshot memory s = _snapshot();
        try token.payWithAuthorization(_actors[i], to, amount, 0, block.timestamp + 1 hours, requestId, v, r, sig) {
            _afterMove(s, address(0));
            ++succeeded["payWithAuthorization"];
        } catch {}
        ++calls;
    }

    function batchTransfer(uint256 fromSeed, uint256 toSeed1, uint256 toSeed2, uint256 amount) external {
        address from = _holder(fromSeed);
        amount = _amount(amount, 1, 60_000);
        address[] memory to = new address[](2);
        (to[0], to[1]) = (_holder(toSeed1), _holder(toSeed2));
        uint256[] memory amounts = new uint256[](2);
        (amounts[0], amounts[1]) = (amount, amount / 2 + 1);
        Snapshot memory s = _snapshot();
        vm.prank(from);
        try token.batchTransfer(to, amounts) {
            _afterMove(s, address(0));
            ++succeeded["batchTransfer"];
        } catch {}
        ++calls;
    }

    function batchTransferPartial(uint256 fromSeed, uint256 toSeeds, uint256 amount) external {
        address from = _holder(fromSeed);
        amount = _amount(amount, 1, 60_000);
        address[] memory to = new address[](4);
        uint256[] memory amounts = new uint256[](4);
        for (uint256 k; k < 4; ++k) {
            to[k] = _holder(toSeeds >> (8 * k));
            amounts[k] = amount / (k + 1);
        }
        Snapshot memory s = _snapshot();
        vm.prank(from);
        try token.batchTransferPartial(to, amounts) {
            _afterMove(s, address(0));
            ++succeeded["batchTransferPartial"];
        } catch {}
        ++calls;
    }

    /// @notice Several payments from one sender within the same day, through different paths (transfer, QR payment,
    /// partial batch, transferFrom): the daily limit must hold across paths.
    function spree(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        uint256 i = fromSeed % ACTORS;
        address from = _actors[i];
        address to = _holder(toSeed);
        amount = _amount(amount, 1, 50_000);
        Snapshot memory s = _snapshot();
        vm.prank(from);
        try token.transfer(to, amount) {} catch {}
        _pay(i, to, amount, keccak256(abi.encode(calls, "spree")));
        address[] memory tos = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        (tos[0], amounts[0]) = (to, amount);
        vm.prank(from);
        try token.batchTransferPartial(tos, amounts) {} catch {}
        address spender = _actors[(i + 1) % ACTORS];
        vm.prank(from);
        try token.approve(spender, amount) {} catch {}
        vm.prank(spender);
        try token.transferFrom(from, to, amount) {} catch {}
        _afterMove(s, address(0));
        ++succeeded["spree"];
        ++calls;
    }

    /// @dev Signs and submits actor `i`'s QR payment (any outcome).
    function _pay(uint256 i, address to, uint256 amount, bytes32 requestId) private {
        bytes32 structHash = keccak256(
            abi.encode(token.PAYMENT_AUTHORIZATION_TYPEHASH(), _actors[i], to, amount, 0, block.timestamp + 1 hours, requestId)
        );
        (uint8 v, bytes32 r, bytes32 sig) =
            vm.sign(_keys[i], keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
        try token.payWithAuthorization(_actors[i], to, amount, 0, block.timestamp + 1 hours, requestId, v, r, sig) {} catch {}
    }

    function seize(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _holder(fromSeed);
        amount = _amount(amount, 1, 50_000);
        Snapshot memory s = _snapshot();
        try token.forcedTransfer(from, _holder(toSeed), amount, "seize", "order") {
            // A seizure may debit a blocked wallet and is not outflow: only the others are checked.
            _afterMove(s, from);
            ++succeeded["seize"];
        } catch {}
        ++calls;
    }

    function renew(uint256 lotSeed, uint256 price, uint256 validFor) external {
        LotId l = _lots[lotSeed % LOTS];
        IReserveRegistry.Lot memory info = registry.lotInfo(l);
        uint256 inCustody = info.quantity - info.released;
        // A price from half to double the lot's unit value (a revaluation up or down).
        uint256 unitValue = bound(price, info.unitValue / 2 + 1, 2 * uint256(info.unitValue) + 1);
        uint256 valuation = inCustody * unitValue;
        if (valuation > type(uint96).max) return;
        vm.prank(info.custodian);
        try registry.renewAttestation(
            l, uint128(inCustody), uint96(valuation), keccak256(abi.encode(calls)), "ipfs://r",
            uint40(block.timestamp + bound(validFor, 2 days, 200 days))
        ) {
            ++succeeded["renew"];
        } catch {}
        ++calls;
    }

    function rotateCustodian(uint256 lotSeed) external {
        LotId l = _lots[lotSeed % LOTS];
        address next = registry.lotInfo(l).custodian == address(this) ? custodian2 : address(this);
        try registry.reassignLotCustodian(l, next) {
            ++succeeded["rotateCustodian"];
        } catch {}
        ++calls;
    }

    function dispute(uint256 lotSeed, bool resolve) external {
        LotId l = _lots[lotSeed % LOTS];
        if (resolve) {
            try registry.resolveDispute(l, "ok") {} catch {}
        } else {
            try registry.disputeLot(l, "audit") {} catch {}
        }
        ++calls;
    }

    function block_(uint256 whoSeed, uint8 action) external {
        address who = _actors[whoSeed % ACTORS];
        action = action % 4;
        if (action == 0) try token.freezeWallet(who, "f") {} catch {}
        if (action == 1) try token.unfreezeWallet(who, "u") {} catch {}
        if (action == 2) try token.denylist(who, "d") {} catch {}
        if (action == 3) try token.removeFromDenylist(who, "r") {} catch {}
        ++calls;
    }

    function pause(bool on) external {
        if (on) try token.pause() {} catch {}
        else try token.unpause() {} catch {}
        ++calls;
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1 hours, 3 days));
        ++calls;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Chain reads before and after an operation
    // ------------------------------------------------------------------------------------------------------------

    struct Snapshot {
        uint256 day;
        uint256[ACTORS + 1] balances;
        bool[ACTORS + 1] blocked;
    }

    function _account(uint256 i) private view returns (address) {
        return i < ACTORS ? _actors[i] : address(this);
    }

    function _snapshot() private view returns (Snapshot memory s) {
        s.day = block.timestamp / 1 days;
        for (uint256 i; i <= ACTORS; ++i) {
            IWalletRegistry.Wallet memory w = token.walletOf(_account(i));
            s.balances[i] = w.balance;
            s.blocked[i] = w.denylisted || w.status == IWalletRegistry.WalletStatus.Frozen;
        }
    }

    /// @dev Compares balances read after a successful operation with `s`: a blocked wallet (other than `seized`)
    /// must not have lost value; every decrease (other than `seized`'s) counts as that wallet's outflow today, which
    /// must stay within its tier's daily limit as read from the chain.
    function _afterMove(Snapshot memory s, address seized) private {
        for (uint256 i; i <= ACTORS; ++i) {
            address a = _account(i);
            if (a == seized) continue;
            uint256 balance = token.balanceOf(a);
            if (balance >= s.balances[i]) continue;
            if (s.blocked[i]) blockedWalletDebited = true;
            uint256 outflow = observedOutflow[a][s.day] += s.balances[i] - balance;
            uint256 limit = token.tierLimits(token.walletOf(a).tier).dailyOutflow;
            if (outflow > limit && outflow - limit > worstOutflowExcess) worstOutflowExcess = outflow - limit;
        }
    }

    /// @dev Half the time a round number of thousands of tokens (so limits are reached), else any amount up to the
    /// maximum (`min` is 0 or 1).
    function _amount(uint256 seed, uint256 min, uint256 maxTokens) private pure returns (uint256) {
        if (seed % 2 == 0) return bound(seed >> 1, min, maxTokens / 1_000) * 1_000 * UNIT;
        return bound(seed >> 1, min, maxTokens * UNIT);
    }

    function _holder(uint256 seed) private view returns (address) {
        uint256 i = seed % (ACTORS + 1);
        return i < ACTORS ? _actors[i] : address(this);
    }
}

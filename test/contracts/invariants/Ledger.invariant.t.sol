// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {GoodsToken} from "../../../contracts/GoodsToken.sol";
import {ReserveRegistry} from "../../../contracts/ReserveRegistry.sol";
import {IReserveRegistry} from "../../../contracts/interfaces/IReserveRegistry.sol";
import {LedgerHandler} from "./LedgerHandler.sol";
import {TestBase} from "./TestBase.sol";

/// @notice The ledger's invariants (docs/DESIGN.md §3) over random operation sequences (issue 8 and issue 15): the
/// runner calls {LedgerHandler}'s operations at random (`invariant.runs` sequences of `invariant.depth` calls, set in
/// hardhat.config.ts) and checks every invariant after each call, reading the chain.
contract LedgerInvariantTest is TestBase {
    GoodsToken internal token;
    ReserveRegistry internal registry;
    LedgerHandler internal handler;

    function setUp() public {
        vm.warp(1_780_000_000);
        token = new GoodsToken("Goods Naira", "GNGN", address(this), 1 days);
        registry = ReserveRegistry(address(token.reserveRegistry()));
        address custodian2 = address(0xC2);
        handler = new LedgerHandler(token, custodian2);
        address h = address(handler);
        token.grantRole(token.PAUSER_ROLE(), h);
        token.grantRole(token.REGISTRAR_ROLE(), h);
        token.grantRole(token.COMPLIANCE_ROLE(), h);
        token.grantRole(token.ISSUER_ROLE(), h);
        registry.grantRole(registry.CUSTODIAN_ROLE(), h);
        registry.grantRole(registry.CUSTODIAN_ROLE(), custodian2);
        registry.grantRole(registry.AUDITOR_ROLE(), h);
        // The custodian role's admin is the default admin (this contract): rotation goes through the handler's
        // grant below, so the handler can call reassignLotCustodian.
        registry.beginDefaultAdminTransfer(h);
        vm.warp(block.timestamp + 1 days + 1);
        vm.prank(h);
        registry.acceptDefaultAdminTransfer();
        handler.setUpLedger();
        targetContract(h);
    }

    /// @notice The handler's operations do move value (so the invariants are checked on a ledger that changes).
    function testHandlerOperationsSucceed() public {
        // Even amount seeds are thousands of tokens (seed / 2), odd ones base units.
        handler.issue(0, 0, 2 * 20);
        handler.transfer(0, 1, 2 * 20);
        handler.transferFrom(2, 3, 1, 2 * 1);
        handler.payWithAuthorization(2, 4, 2 * 2, keccak256("request"));
        handler.batchTransfer(2, 1, 3, 2 * 3);
        handler.batchTransferPartial(2, 0x01020304, 2 * 4);
        handler.issue(0, 5, 2 * 1);
        handler.redeem(0, 2 * 40);
        handler.seize(0, 5, 2 * 1);
        handler.renew(0, 20e6, 10 days);
        handler.rotateCustodian(1);
        assertEq(handler.succeeded("issue"), 2, "issue");
        assertEq(handler.succeeded("transfer"), 1, "transfer");
        assertEq(handler.succeeded("transferFrom"), 1, "transferFrom");
        assertEq(handler.succeeded("payWithAuthorization"), 1, "payWithAuthorization");
        assertEq(handler.succeeded("batchTransfer"), 1, "batchTransfer");
        assertEq(handler.succeeded("batchTransferPartial"), 1, "batchTransferPartial");
        assertEq(handler.succeeded("redeem"), 1, "redeem");
        assertEq(handler.succeeded("seize"), 1, "seize");
        assertEq(handler.succeeded("renew"), 1, "renew");
        assertEq(handler.succeeded("rotateCustodian"), 1, "rotateCustodian");
        invariant_ledger();
    }

    /// @notice Every invariant, after every call of every sequence.
    function invariant_ledger() public view {
        // supply = Σ balances (only registered wallets can hold: the actors and the handler's issuer wallet).
        uint256 sum = token.balanceOf(address(handler));
        for (uint256 i; i < handler.actorCount(); ++i) sum += token.balanceOf(handler.actor(i));
        assertEq(token.totalSupply(), sum, "supply = sum of balances");

        // Per lot: Σ released ≤ quantity; reserve value ≤ goods in custody × unit value; outstanding ≤ reserve value.
        uint256 outstanding;
        uint256 counted;
        for (uint256 i; i < handler.lotCount(); ++i) {
            IReserveRegistry.Lot memory l = registry.lotInfo(handler.lot(i));
            assertLe(l.released, l.quantity, "released <= quantity");
            assertLe(l.reserveValue, (uint256(l.quantity) - l.released) * l.unitValue, "reserve value <= goods in custody x unit value");
            assertLe(uint256(l.issued) - l.redeemed, l.reserveValue, "outstanding <= reserve value");
            outstanding += uint256(l.issued) - l.redeemed;
            if (l.status == IReserveRegistry.LotStatus.Active && block.timestamp / 1 days < l.expiresAt / 1 days) {
                counted += l.reserveValue;
            }
        }
        assertEq(token.totalSupply(), outstanding, "supply = sum of outstanding per lot");
        assertEq(registry.validReserves(), counted, "valid reserves = sum of counted reserve values");
        (uint256 reserves, uint256 supply) = registry.coverage();
        assertEq(reserves, counted, "coverage() reserves");
        assertEq(supply, outstanding, "coverage() supply");

        // Checked by the handler on the chain after each successful operation.
        assertTrue(!handler.issueBrokeSupplyCap(), "supply <= valid reserves after every issue");
        assertTrue(!handler.blockedWalletDebited(), "a frozen or denylisted wallet is never debited except by seizure");
        assertEq(handler.worstOutflowExcess(), 0, "daily outflow <= the tier's daily limit on every path");
    }
}

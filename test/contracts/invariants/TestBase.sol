// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice The cheatcodes the invariant tests use (forge-std's `Vm`, reduced: npm's forge-std is unusable here, see
/// TOOLCHAIN.md).
interface Vm {
    function prank(address sender) external;
    function warp(uint256 timestamp) external;
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function addr(uint256 privateKey) external pure returns (address);
}

/// @notice A minimal stand-in for forge-std's `Test`: the cheatcode address, the target list the invariant runner
/// reads (`targetContracts()`), `bound` and assertions that revert with what differed.
abstract contract TestBase {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    error AssertionFailed(string what, uint256 left, uint256 right);
    error AssertionFalse(string what);

    address[] private _targetContracts;

    /// @notice The contracts whose functions the invariant runner calls at random (read by the runner).
    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    function targetContract(address target) internal {
        _targetContracts.push(target);
    }

    function assertEq(uint256 left, uint256 right, string memory what) internal pure {
        if (left != right) revert AssertionFailed(what, left, right);
    }

    function assertLe(uint256 left, uint256 right, string memory what) internal pure {
        if (left > right) revert AssertionFailed(what, left, right);
    }

    function assertTrue(bool ok, string memory what) internal pure {
        if (!ok) revert AssertionFalse(what);
    }
}

/// @notice `bound` as forge-std defines it: maps any `x` into [min, max].
function bound(uint256 x, uint256 min, uint256 max) pure returns (uint256) {
    if (max <= min) return min;
    return min + (x % (max - min + 1));
}

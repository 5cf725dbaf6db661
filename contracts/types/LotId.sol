// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice Identifier of a goods lot in the ReserveRegistry (for example keccak256 of the warehouse receipt
/// number). The zero id is never a valid lot.
type LotId is bytes32;

using {eqLotId as ==, neqLotId as !=} for LotId global;

/// @notice Equality of two lot ids.
function eqLotId(LotId a, LotId b) pure returns (bool) {
    return LotId.unwrap(a) == LotId.unwrap(b);
}

/// @notice Inequality of two lot ids.
function neqLotId(LotId a, LotId b) pure returns (bool) {
    return LotId.unwrap(a) != LotId.unwrap(b);
}

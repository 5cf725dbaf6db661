// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice Identifier of a goods lot in the ReserveRegistryV1 (for example keccak256 of the warehouse receipt
/// number). The zero id is never a valid lot.
type LotIdV1 is bytes32;

using {eqLotIdV1 as ==, neqLotIdV1 as !=} for LotIdV1 global;

/// @notice Equality of two lot ids.
function eqLotIdV1(LotIdV1 a, LotIdV1 b) pure returns (bool) {
    return LotIdV1.unwrap(a) == LotIdV1.unwrap(b);
}

/// @notice Inequality of two lot ids.
function neqLotIdV1(LotIdV1 a, LotIdV1 b) pure returns (bool) {
    return LotIdV1.unwrap(a) != LotIdV1.unwrap(b);
}

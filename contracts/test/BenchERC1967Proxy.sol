// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/// @notice Test-only: an OpenZeppelin ERC-1967 proxy, put in front of PlainERC20 by bench/gas.ts to measure what a
/// proxy adds to every transfer. Never deployed.
contract BenchERC1967Proxy is ERC1967Proxy {
    constructor(address implementation, bytes memory data) payable ERC1967Proxy(implementation, data) {}
}

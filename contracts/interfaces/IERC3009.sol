// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IERC3009
/// @notice EIP-3009 "Transfer With Authorization": signed one-off transfers with random 32-byte nonces and a
/// validity window, as in USDC. Typed data is EIP-712 with the token's domain (name, version "1", chainId,
/// verifyingContract); the type strings are exactly those of the EIP.
interface IERC3009 {
    /// @notice An authorization was used to move tokens.
    /// @param authorizer The payer who signed it.
    /// @param nonce Its nonce.
    event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce);

    /// @notice An unused authorization was canceled by its signer.
    /// @param authorizer The signer.
    /// @param nonce Its nonce.
    event AuthorizationCanceled(address indexed authorizer, bytes32 indexed nonce);

    /// @notice `keccak256("TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)")`.
    /// @return The typehash.
    function TRANSFER_WITH_AUTHORIZATION_TYPEHASH() external view returns (bytes32);

    /// @notice `keccak256("ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)")`.
    /// @return The typehash.
    function RECEIVE_WITH_AUTHORIZATION_TYPEHASH() external view returns (bytes32);

    /// @notice `keccak256("CancelAuthorization(address authorizer,bytes32 nonce)")`.
    /// @return The typehash.
    function CANCEL_AUTHORIZATION_TYPEHASH() external view returns (bytes32);

    /// @notice Whether an authorization nonce of `authorizer` has been used or canceled.
    /// @param authorizer The signer.
    /// @param nonce The nonce.
    /// @return True if used or canceled.
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool);

    /// @notice Executes a transfer signed by `from`; anyone may submit it.
    /// @param from The payer (signer).
    /// @param to The payee.
    /// @param value The amount.
    /// @param validAfter Valid only when `block.timestamp > validAfter`.
    /// @param validBefore Valid only when `block.timestamp < validBefore`.
    /// @param nonce Unique 32-byte nonce (random; a QR payment request uses {IGoodsToken-payWithAuthorization}).
    /// @param v Signature v.
    /// @param r Signature r.
    /// @param s Signature s.
    ///
    /// Requirements:
    /// - the signature is `from`'s (an EOA's ECDSA or an ERC-1271 contract's) over the typed data;
    /// - `value` is not 0 (a 0-value authorization would spend a nonce for nothing);
    /// - the window holds and the nonce is unused;
    /// - the transfer passes the compliance check.
    ///
    /// Emits {AuthorizationUsed} and {IERC20-Transfer}.
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Like {transferWithAuthorization}, but only the payee may submit it (no front-running).
    /// @param from The payer (signer).
    /// @param to The payee; must be the caller.
    /// @param value The amount.
    /// @param validAfter Valid only when `block.timestamp > validAfter`.
    /// @param validBefore Valid only when `block.timestamp < validBefore`.
    /// @param nonce Unique 32-byte nonce.
    /// @param v Signature v.
    /// @param r Signature r.
    /// @param s Signature s.
    ///
    /// Requirements:
    /// - `msg.sender == to`;
    /// - as {transferWithAuthorization}.
    ///
    /// Emits {AuthorizationUsed} and {IERC20-Transfer}.
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Cancels an unused authorization of `authorizer`.
    /// @param authorizer The signer.
    /// @param nonce The nonce to cancel.
    /// @param v Signature v.
    /// @param r Signature r.
    /// @param s Signature s.
    ///
    /// Requirements:
    /// - the signature is `authorizer`'s over `CancelAuthorization(authorizer, nonce)`;
    /// - the nonce is unused.
    ///
    /// Emits {AuthorizationCanceled}.
    function cancelAuthorization(address authorizer, bytes32 nonce, uint8 v, bytes32 r, bytes32 s) external;
}

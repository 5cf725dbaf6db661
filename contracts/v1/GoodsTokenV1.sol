// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC3009V1} from "./interfaces/IERC3009V1.sol";
import {IGoodsTokenV1} from "./interfaces/IGoodsTokenV1.sol";
import {IReserveRegistryV1} from "./interfaces/IReserveRegistryV1.sol";
import {LotIdV1} from "./types/LotIdV1.sol";
import {ReserveRegistryV1} from "./ReserveRegistryV1.sol";
import {WalletRegistryV1} from "./WalletRegistryV1.sol";
import {PackedERC20V1} from "./PackedERC20V1.sol";

/// @title GoodsTokenV1
/// @custom:frozen A frozen copy of the v1 contracts (as on `main` before contracts v2), renamed with a `V1` suffix so
/// their names never collide with v2. Kept only to deploy a v1 ledger for the v1 → v2 migration and its tests; never
/// change it.
/// @notice The goods-backed token with its wallet registry: ERC-20 + EIP-2612 + EIP-3009, issue and redeem against
/// ReserveRegistryV1 lots, seizure, recovery, batch and referenced transfers. Every value-moving path goes through
/// `_update`, whose hooks run the one compliance check (WalletRegistryV1). Immutable (no proxy): see the README's
/// contracts section.
/// @dev The constructor creates the ReserveRegistryV1, so each contract holds the other's address as an immutable
/// and the issue path reads no storage to find or authorize its partner. The registry keeps the total supply.
contract GoodsTokenV1 is IGoodsTokenV1, WalletRegistryV1, EIP712, Nonces {
    /// @inheritdoc IGoodsTokenV1
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @inheritdoc IGoodsTokenV1
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");

    /// @inheritdoc IERC3009V1
    bytes32 public constant TRANSFER_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    /// @inheritdoc IERC3009V1
    bytes32 public constant RECEIVE_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    /// @inheritdoc IERC3009V1
    bytes32 public constant CANCEL_AUTHORIZATION_TYPEHASH = keccak256("CancelAuthorization(address authorizer,bytes32 nonce)");

    bytes32 private constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    IReserveRegistryV1 private immutable _reserveRegistry;

    mapping(address authorizer => mapping(bytes32 nonce => bool)) private _authorizationStates;
    mapping(address payee => mapping(bytes32 ref => bool)) private _paymentReferences;

    /// @param name_ Token name (also the EIP-712 domain name; version "1").
    /// @param symbol_ Token symbol.
    /// @param admin The DEFAULT_ADMIN_ROLE holder of both contracts, who grants every other role.
    constructor(string memory name_, string memory symbol_, address admin)
        PackedERC20V1(name_, symbol_)
        EIP712(name_, "1")
    {
        if (admin == address(0)) revert GoodsTokenInvalidAdmin(address(0));
        _reserveRegistry = new ReserveRegistryV1(admin);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Pauser
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IGoodsTokenV1
    function pause() external onlyRole(PAUSER_ROLE) {
        if (_isPaused()) revert GoodsTokenPaused();
        _setPaused(true);
        emit Paused(msg.sender);
    }

    /// @inheritdoc IGoodsTokenV1
    function unpause() external onlyRole(PAUSER_ROLE) {
        if (!_isPaused()) revert GoodsTokenNotPaused();
        _setPaused(false);
        emit Unpaused(msg.sender);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Issuer
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IGoodsTokenV1
    function issue(LotIdV1 lot, address to, uint256 amount, bytes32 ref) external onlyRole(ISSUER_ROLE) {
        if (amount == 0) revert GoodsTokenZeroAmount();
        // Caps first: they bound `amount` before any arithmetic on balances.
        _reserveRegistry.recordIssue(lot, amount);
        _mint(to, amount);
        emit Issued(lot, ref);
    }

    /// @inheritdoc IGoodsTokenV1
    function redeem(LotIdV1 lot, uint256 amount, bytes32 ref)
        external
        onlyRole(ISSUER_ROLE)
        returns (uint256 releaseId)
    {
        if (amount == 0) revert GoodsTokenZeroAmount();
        _burn(msg.sender, amount);
        releaseId = _reserveRegistry.recordRedemption(lot, amount, ref);
        emit Redeemed(lot, msg.sender, amount, ref, releaseId);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Compliance
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IGoodsTokenV1
    function forcedTransfer(address from, address to, uint256 amount, bytes32 reasonCode, bytes32 legalRef)
        external
        onlyRole(COMPLIANCE_ROLE)
    {
        if (from == address(0)) revert ERC20InvalidSender(address(0));
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        if (amount == 0) revert GoodsTokenZeroAmount();
        // A seizure must work on a frozen or denylisted wallet and while paused: it bypasses `_update`'s hooks,
        // debits the sender unchecked and checks only the recipient (ignoring the pause).
        _debit(from, _accounts[from], amount);
        uint256 toWord = _accounts[to];
        _checkRecipient(to, toWord, amount, true);
        _credit(to, toWord, amount);
        emit Transfer(from, to, amount);
        emit ForcedTransfer(from, to, amount, msg.sender, reasonCode, legalRef);
    }

    /// @inheritdoc IGoodsTokenV1
    function recoverWallet(address lost, address replacement, bytes32 reasonCode, bytes32 legalRef)
        external
        onlyRole(COMPLIANCE_ROLE)
    {
        uint256 lostWord = _accounts[lost];
        _requireOpen(lost, lostWord);
        if (replacement == address(0)) revert WalletRegistryInvalidAccount(address(0));
        uint256 replacementWord = _accounts[replacement];
        if (_status(replacementWord) != STATUS_UNREGISTERED) {
            revert WalletRegistryWalletAlreadyRegistered(replacement);
        }
        if (replacementWord & DENYLIST_BIT != 0) revert WalletRegistryWalletDenylisted(replacement);

        // The replacement takes the whole word (balance, record, today's outflow) except the denylist flag, which
        // belongs to the lost address; the lost word keeps its record for history, with no balance.
        uint256 amount = lostWord & BALANCE_MASK;
        _accounts[replacement] = lostWord & ~DENYLIST_BIT;
        emit Transfer(lost, replacement, amount);
        _moveAlias(lost, replacement);
        _close(lost, lostWord & ~BALANCE_MASK, reasonCode);
        emit WalletRecovered(lost, replacement, amount, msg.sender, reasonCode, legalRef);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Holders
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IGoodsTokenV1
    function batchTransfer(address[] calldata to, uint256[] calldata amounts) external returns (bool) {
        uint256 n = to.length;
        if (n == 0) revert GoodsTokenEmptyBatch();
        if (n != amounts.length) revert GoodsTokenBatchLengthMismatch(n, amounts.length);
        for (uint256 i; i < n; ++i) {
            _transfer(msg.sender, to[i], amounts[i]);
        }
        return true;
    }

    /// @inheritdoc IGoodsTokenV1
    function transferWithReference(address to, uint256 amount, bytes32 ref) external returns (bool) {
        _transfer(msg.sender, to, amount);
        emit PaymentReferenced(msg.sender, to, amount, ref);
        return true;
    }

    // ----------------------------------------------------------------------------------------------------------
    // EIP-2612
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IERC20Permit
    function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
    {
        if (block.timestamp > deadline) revert GoodsTokenPermitExpired(deadline);
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, _useNonce(owner), deadline));
        _requireSignature(owner, _hashTypedDataV4(structHash), v, r, s);
        _approve(owner, spender, value, true);
    }

    /// @inheritdoc IERC20Permit
    function nonces(address owner) public view override(IERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @inheritdoc IERC20Permit
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ----------------------------------------------------------------------------------------------------------
    // EIP-3009
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IERC3009V1
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
    ) external {
        _useAuthorization(TRANSFER_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce, v, r, s);
        _transfer(from, to, value);
        emit PaymentReferenced(from, to, value, nonce);
    }

    /// @inheritdoc IERC3009V1
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
    ) external {
        if (msg.sender != to) revert GoodsTokenCallerNotPayee(msg.sender, to);
        _useAuthorization(RECEIVE_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce, v, r, s);
        _transfer(from, to, value);
        emit PaymentReferenced(from, to, value, nonce);
    }

    /// @inheritdoc IERC3009V1
    function cancelAuthorization(address authorizer, bytes32 nonce, uint8 v, bytes32 r, bytes32 s) external {
        if (_authorizationStates[authorizer][nonce]) revert GoodsTokenAuthorizationUsed(authorizer, nonce);
        bytes32 structHash = keccak256(abi.encode(CANCEL_AUTHORIZATION_TYPEHASH, authorizer, nonce));
        _requireSignature(authorizer, _hashTypedDataV4(structHash), v, r, s);
        _authorizationStates[authorizer][nonce] = true;
        emit AuthorizationCanceled(authorizer, nonce);
    }

    /// @inheritdoc IERC3009V1
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool) {
        return _authorizationStates[authorizer][nonce];
    }

    // ----------------------------------------------------------------------------------------------------------
    // Views
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IGoodsTokenV1
    function reserveRegistry() external view returns (IReserveRegistryV1) {
        return _reserveRegistry;
    }

    /// @inheritdoc IGoodsTokenV1
    function paused() external view returns (bool) {
        return _isPaused();
    }

    /// @inheritdoc IERC20
    /// @dev Kept by the ReserveRegistryV1, beside the reserves that cap it.
    function totalSupply() external view returns (uint256) {
        return _reserveRegistry.outstandingSupply();
    }

    /// @inheritdoc IGoodsTokenV1
    function paymentReferenceUsed(address payee, bytes32 ref) external view returns (bool) {
        return _paymentReferences[payee][ref];
    }

    // ----------------------------------------------------------------------------------------------------------
    // Internal
    // ----------------------------------------------------------------------------------------------------------

    /// @dev The paused error of WalletRegistryV1's check.
    function _revertPaused() internal pure override {
        revert GoodsTokenPaused();
    }

    // ----------------------------------------------------------------------------------------------------------
    // Private helpers
    // ----------------------------------------------------------------------------------------------------------

    /// @dev Validates an EIP-3009 authorization (window, unused nonce, payee's single-use reference, signature)
    /// and marks the nonce used by `from` and the reference used for `to`.
    function _useAuthorization(
        bytes32 typehash,
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) private {
        if (from == address(0)) revert ERC20InvalidSender(address(0));
        if (block.timestamp <= validAfter) revert GoodsTokenAuthorizationNotYetValid(validAfter, block.timestamp);
        if (block.timestamp >= validBefore) revert GoodsTokenAuthorizationExpired(validBefore, block.timestamp);
        if (_authorizationStates[from][nonce]) revert GoodsTokenAuthorizationUsed(from, nonce);
        if (_paymentReferences[to][nonce]) revert GoodsTokenPaymentReferenceUsed(to, nonce);
        bytes32 structHash = keccak256(abi.encode(typehash, from, to, value, validAfter, validBefore, nonce));
        _requireSignature(from, _hashTypedDataV4(structHash), v, r, s);
        _authorizationStates[from][nonce] = true;
        _paymentReferences[to][nonce] = true;
        emit AuthorizationUsed(from, nonce);
    }

    /// @dev Reverts unless (v, r, s) is `signer`'s signature of `digest` (ECDSA for an EOA, ERC-1271 for a
    /// contract).
    function _requireSignature(address signer, bytes32 digest, uint8 v, bytes32 r, bytes32 s) private view {
        if (!SignatureChecker.isValidSignatureNow(signer, digest, abi.encodePacked(r, s, v))) {
            revert GoodsTokenInvalidSignature(signer);
        }
    }
}

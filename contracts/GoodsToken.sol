// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC3009} from "./interfaces/IERC3009.sol";
import {IGoodsToken} from "./interfaces/IGoodsToken.sol";
import {IReserveRegistry} from "./interfaces/IReserveRegistry.sol";
import {LotId} from "./types/LotId.sol";
import {ReserveRegistry} from "./ReserveRegistry.sol";
import {WalletRegistry} from "./WalletRegistry.sol";
import {PackedERC20} from "./PackedERC20.sol";

/// @title GoodsToken
/// @notice The goods-backed token with its wallet registry: ERC-20 + EIP-2612 + EIP-3009, issue and redeem against
/// ReserveRegistry lots, seizure, recovery, batch and referenced transfers. Every value-moving path goes through
/// `_update`, whose hooks run the one compliance check (WalletRegistry). Immutable (no proxy): see the README's
/// contracts section.
/// @dev The constructor creates the ReserveRegistry, so each contract holds the other's address as an immutable
/// and the issue path reads no storage to find or authorize its partner. The registry keeps the total supply.
contract GoodsToken is IGoodsToken, WalletRegistry, EIP712, Nonces {
    /// @inheritdoc IGoodsToken
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @inheritdoc IGoodsToken
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    /// @inheritdoc IGoodsToken
    bytes32 public constant MIGRATOR_ROLE = keccak256("MIGRATOR_ROLE");

    /// @inheritdoc IERC3009
    bytes32 public constant TRANSFER_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    /// @inheritdoc IERC3009
    bytes32 public constant RECEIVE_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    /// @inheritdoc IGoodsToken
    bytes32 public constant PAYMENT_AUTHORIZATION_TYPEHASH = keccak256(
        "PaymentAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 requestId)"
    );
    /// @inheritdoc IERC3009
    bytes32 public constant CANCEL_AUTHORIZATION_TYPEHASH = keccak256("CancelAuthorization(address authorizer,bytes32 nonce)");

    bytes32 private constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    IReserveRegistry private immutable _reserveRegistry;

    mapping(address authorizer => mapping(bytes32 nonce => bool)) private _authorizationStates;
    /// @dev The payer of each paid payment reference. A reference commits to its payee (see {paymentReference}), so
    /// one slot per reference records both "the payee was paid with it" and "the payer's authorization nonce `ref`
    /// is used": a QR payment writes one fresh slot, not two.
    mapping(bytes32 ref => address payer) private _paymentPayers;
    /// @dev The migration's import: lotsOutstanding 0–95 | balances 96–191 | started bit 192 | sealed bit 193.
    uint256 private _migration;

    /// @param name_ Token name (also the EIP-712 domain name; version "1").
    /// @param symbol_ Token symbol.
    /// @param admin The DEFAULT_ADMIN_ROLE holder of both contracts, who grants every other role.
    /// @param adminDelay The delay of a default-admin transfer on both contracts (AccessControlDefaultAdminRules:
    /// begin, wait, accept), in seconds.
    constructor(string memory name_, string memory symbol_, address admin, uint48 adminDelay)
        PackedERC20(name_, symbol_)
        EIP712(name_, "1")
        AccessControlDefaultAdminRules(adminDelay, _nonZeroAdmin(admin))
    {
        _reserveRegistry = new ReserveRegistry(admin, adminDelay);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Pauser
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IGoodsToken
    function pause() external onlyRole(PAUSER_ROLE) {
        if (_isPaused()) revert GoodsTokenPaused();
        _setPaused(true);
        emit Paused(msg.sender);
    }

    /// @inheritdoc IGoodsToken
    function unpause() external onlyRole(PAUSER_ROLE) {
        if (!_isPaused()) revert GoodsTokenNotPaused();
        uint256 migration = _migration;
        if (migration & (3 << 192) == 1 << 192) {
            revert GoodsTokenMigrationUnbalanced(migration & BALANCE_MASK, (migration >> 96) & BALANCE_MASK);
        }
        _setPaused(false);
        emit Unpaused(msg.sender);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Migrator (v1 → v2, docs/DESIGN.md §5)
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IGoodsToken
    function importWallets(WalletImport[] calldata wallets) external onlyRole(MIGRATOR_ROLE) {
        uint256 migration = _openImport();
        uint256 balances = (migration >> 96) & BALANCE_MASK;
        for (uint256 i; i < wallets.length; ++i) {
            balances += _importWallet(wallets[i]);
        }
        if (balances > BALANCE_MASK) revert GoodsTokenMigrationUnbalanced(migration & BALANCE_MASK, balances);
        _migration = (migration & ~(BALANCE_MASK << 96)) | (balances << 96);
    }

    /// @inheritdoc IGoodsToken
    function importLots(IReserveRegistry.LotImport[] calldata lots) external onlyRole(MIGRATOR_ROLE) {
        uint256 migration = _openImport();
        // The registry caps the outstanding supply at 2^96 − 1, so the imported part fits its field.
        uint256 outstanding = (migration & BALANCE_MASK) + _reserveRegistry.importLots(lots);
        _migration = (migration & ~BALANCE_MASK) | outstanding;
    }

    /// @inheritdoc IGoodsToken
    function sealMigration(bytes32 sourceBlockHash, uint256 sourceBlockNumber) external onlyRole(MIGRATOR_ROLE) {
        uint256 migration = _migration;
        if (migration & (1 << 193) != 0) revert GoodsTokenMigrationSealed();
        uint256 outstanding = migration & BALANCE_MASK;
        uint256 balances = (migration >> 96) & BALANCE_MASK;
        if (outstanding != balances) revert GoodsTokenMigrationUnbalanced(outstanding, balances);
        _migration = migration | (1 << 193);
        emit MigrationSealed(sourceBlockHash, sourceBlockNumber, _reserveRegistry.outstandingSupply());
    }

    /// @inheritdoc IGoodsToken
    function migrationState()
        external
        view
        returns (uint256 lotsOutstanding, uint256 balances, bool started, bool isSealed)
    {
        uint256 migration = _migration;
        return (migration & BALANCE_MASK, (migration >> 96) & BALANCE_MASK, migration & (1 << 192) != 0,
            migration & (1 << 193) != 0);
    }

    /// @dev The migration word, after checking the import window (paused, not sealed), marked started.
    function _openImport() private view returns (uint256 migration) {
        if (!_isPaused()) revert GoodsTokenNotPaused();
        migration = _migration;
        if (migration & (1 << 193) != 0) revert GoodsTokenMigrationSealed();
        migration |= 1 << 192;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Issuer
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IGoodsToken
    function issue(LotId lot, address to, uint256 amount, bytes32 ref) external onlyRole(ISSUER_ROLE) {
        if (amount == 0) revert GoodsTokenZeroAmount();
        // Caps first: they bound `amount` before any arithmetic on balances.
        _reserveRegistry.recordIssue(lot, amount);
        _mint(to, amount);
        emit Issued(lot, ref);
    }

    /// @inheritdoc IGoodsToken
    function redeem(LotId lot, uint256 amount, bytes32 ref)
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

    /// @inheritdoc IGoodsToken
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

    /// @inheritdoc IGoodsToken
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

        // The replacement takes the whole word: balance, record, today's outflow, a frozen status and the denylist
        // flag (docs/DESIGN.md §3: a recovery never clears a compliance flag; compliance clears it explicitly). The
        // lost word keeps its record and flags for history, with no balance.
        uint256 amount = lostWord & BALANCE_MASK;
        _accounts[replacement] = lostWord;
        emit Transfer(lost, replacement, amount);
        _moveAlias(lost, replacement);
        _close(lost, lostWord & ~BALANCE_MASK, reasonCode);
        emit WalletRecovered(lost, replacement, amount, msg.sender, reasonCode, legalRef);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Holders
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IGoodsToken
    function batchTransfer(address[] calldata to, uint256[] calldata amounts) external returns (bool) {
        uint256 n = to.length;
        if (n == 0) revert GoodsTokenEmptyBatch();
        if (n != amounts.length) revert GoodsTokenBatchLengthMismatch(n, amounts.length);
        for (uint256 i; i < n; ++i) {
            _transfer(msg.sender, to[i], amounts[i]);
        }
        return true;
    }

    /// @inheritdoc IGoodsToken
    function batchTransferPartial(address[] calldata to, uint256[] calldata amounts)
        external
        returns (uint256 skipped)
    {
        uint256 n = to.length;
        if (n == 0) revert GoodsTokenEmptyBatch();
        if (n != amounts.length) revert GoodsTokenBatchLengthMismatch(n, amounts.length);
        bytes memory err = _cannotSendError(msg.sender);
        if (err.length != 0) _revertWith(err);
        for (uint256 i; i < n; ++i) {
            err = _tryTransfer(msg.sender, to[i], amounts[i]);
            if (err.length != 0) {
                // i < n ≤ calldata length: no overflow.
                unchecked {
                    ++skipped;
                }
                emit BatchLegSkipped(i, to[i], amounts[i], bytes4(err));
            }
        }
    }

    /// @inheritdoc IGoodsToken
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
        _checkApproval(owner, spender);
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

    /// @inheritdoc IERC3009
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
    }

    /// @inheritdoc IERC3009
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
    }

    /// @inheritdoc IGoodsToken
    function payWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 requestId,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        bytes32 ref = paymentReference(to, value, requestId);
        _checkAuthorization(from, value, validAfter, validBefore, ref);
        address payer = _paymentPayers[ref];
        if (payer != address(0)) {
            if (payer == from) revert GoodsTokenAuthorizationUsed(from, ref);
            revert GoodsTokenPaymentReferenceUsed(to, ref);
        }
        bytes32 structHash =
            keccak256(abi.encode(PAYMENT_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, requestId));
        _requireSignature(from, _hashTypedDataV4(structHash), v, r, s);
        _paymentPayers[ref] = from;
        emit AuthorizationUsed(from, ref);
        _transfer(from, to, value);
        emit PaymentReferenced(from, to, value, ref);
    }

    /// @inheritdoc IERC3009
    function cancelAuthorization(address authorizer, bytes32 nonce, uint8 v, bytes32 r, bytes32 s) external {
        if (_nonceUsed(authorizer, nonce)) revert GoodsTokenAuthorizationUsed(authorizer, nonce);
        bytes32 structHash = keccak256(abi.encode(CANCEL_AUTHORIZATION_TYPEHASH, authorizer, nonce));
        _requireSignature(authorizer, _hashTypedDataV4(structHash), v, r, s);
        _authorizationStates[authorizer][nonce] = true;
        emit AuthorizationCanceled(authorizer, nonce);
    }

    /// @inheritdoc IERC3009
    /// @dev True for a nonce used or canceled through the EIP-3009 functions, and for a payment reference that
    /// `authorizer` paid with {payWithAuthorization} (its nonce is the reference).
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool) {
        return _nonceUsed(authorizer, nonce);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Views
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IGoodsToken
    function reserveRegistry() external view returns (IReserveRegistry) {
        return _reserveRegistry;
    }

    /// @inheritdoc IGoodsToken
    function paused() external view returns (bool) {
        return _isPaused();
    }

    /// @inheritdoc IERC20
    /// @dev Kept by the ReserveRegistry, beside the reserves that cap it.
    function totalSupply() external view returns (uint256) {
        return _reserveRegistry.outstandingSupply();
    }

    /// @inheritdoc IGoodsToken
    /// @dev A reference commits to its payee, and {payWithAuthorization} derives it from its `to`: a reference paid
    /// at all was paid to the payee it commits to.
    function paymentReferenceUsed(address, bytes32 ref) external view returns (bool) {
        return _paymentPayers[ref] != address(0);
    }

    /// @inheritdoc IGoodsToken
    function paymentReference(address payee, uint256 value, bytes32 requestId) public pure returns (bytes32) {
        return keccak256(abi.encode(payee, value, requestId));
    }

    // ----------------------------------------------------------------------------------------------------------
    // Internal
    // ----------------------------------------------------------------------------------------------------------

    /// @dev The paused error of WalletRegistry's check.
    function _pausedError() internal pure override returns (bytes memory) {
        return abi.encodeWithSelector(GoodsTokenPaused.selector);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Private helpers
    // ----------------------------------------------------------------------------------------------------------

    /// @dev Validates a plain EIP-3009 authorization (non-zero value, window, unused nonce, signature) and marks the
    /// nonce used by `from`. It never touches payment references (those are {payWithAuthorization}'s).
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
        _checkAuthorization(from, value, validAfter, validBefore, nonce);
        // _checkAuthorization refused a used or canceled EIP-3009 nonce; a payment reference `from` paid is one too.
        if (_paymentPayers[nonce] == from) revert GoodsTokenAuthorizationUsed(from, nonce);
        bytes32 structHash = keccak256(abi.encode(typehash, from, to, value, validAfter, validBefore, nonce));
        _requireSignature(from, _hashTypedDataV4(structHash), v, r, s);
        _authorizationStates[from][nonce] = true;
        emit AuthorizationUsed(from, nonce);
    }

    /// @dev The checks every signed transfer shares: a payer, a non-zero value (a 0-value authorization would spend a
    /// nonce or a payment reference for free), the validity window, and a nonce `from` has not canceled.
    function _checkAuthorization(address from, uint256 value, uint256 validAfter, uint256 validBefore, bytes32 nonce)
        private
        view
    {
        if (from == address(0)) revert ERC20InvalidSender(address(0));
        if (value == 0) revert GoodsTokenZeroValueAuthorization(from, nonce);
        if (block.timestamp <= validAfter) revert GoodsTokenAuthorizationNotYetValid(validAfter, block.timestamp);
        if (block.timestamp >= validBefore) revert GoodsTokenAuthorizationExpired(validBefore, block.timestamp);
        if (_authorizationStates[from][nonce]) revert GoodsTokenAuthorizationUsed(from, nonce);
    }

    /// @dev Whether `authorizer`'s nonce is used or canceled: through the EIP-3009 functions, or as a payment
    /// reference it paid.
    function _nonceUsed(address authorizer, bytes32 nonce) private view returns (bool) {
        return _authorizationStates[authorizer][nonce] || (authorizer != address(0) && _paymentPayers[nonce] == authorizer);
    }

    /// @dev Reverts with {GoodsTokenInvalidAdmin} for the zero address (before OpenZeppelin's own check).
    function _nonZeroAdmin(address admin) private pure returns (address) {
        if (admin == address(0)) revert GoodsTokenInvalidAdmin(address(0));
        return admin;
    }

    /// @dev Reverts unless (v, r, s) is `signer`'s signature of `digest` (ECDSA for an EOA, ERC-1271 for a
    /// contract).
    function _requireSignature(address signer, bytes32 digest, uint8 v, bytes32 r, bytes32 s) private view {
        if (!SignatureChecker.isValidSignatureNow(signer, digest, abi.encodePacked(r, s, v))) {
            revert GoodsTokenInvalidSignature(signer);
        }
    }
}

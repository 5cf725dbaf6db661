// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

/// @title PackedERC20V1
/// @notice An ERC-20 core in OpenZeppelin 5's shape (one `_update` path; mint and burn skip the zero-address side;
/// ERC-6093 errors) whose balance is the low 96 bits of a per-account storage word, so a derived contract keeps
/// the account's other data (here: the wallet registry record) in the same slot and checks it for free.
/// @dev OpenZeppelin's ERC20 keeps `_balances` private, which rules out that packing. `_update` reads and writes
/// each account word once and hands it to two hooks, {_checkDebit} and {_checkCredit}, where a derived contract
/// applies its rules. The derived contract must:
/// - implement {totalSupply} and keep it equal to the sum of balances (GoodsTokenV1 keeps it in the ReserveRegistryV1,
///   beside the reserves that cap it);
/// - keep every balance below `2^96` (GoodsTokenV1: {_checkCredit} caps a balance at its tier's `uint64` maximum),
///   since credits are unchecked so they cannot carry into the bits above the balance.
abstract contract PackedERC20V1 is IERC20Metadata, IERC20Errors {
    /// @dev Low 96 bits of an account word: the balance.
    uint256 internal constant BALANCE_MASK = (1 << 96) - 1;

    /// @dev One word per account: balance in bits 0–95, the rest belongs to the derived contract.
    mapping(address account => uint256) internal _accounts;

    mapping(address account => mapping(address spender => uint256)) private _allowances;

    string private _name;
    string private _symbol;

    /// @param name_ The token's name.
    /// @param symbol_ The token's symbol.
    constructor(string memory name_, string memory symbol_) {
        _name = name_;
        _symbol = symbol_;
    }

    /// @inheritdoc IERC20Metadata
    function name() public view virtual returns (string memory) {
        return _name;
    }

    /// @inheritdoc IERC20Metadata
    function symbol() public view virtual returns (string memory) {
        return _symbol;
    }

    /// @inheritdoc IERC20Metadata
    /// @dev 6, as mobile money and USDC.
    function decimals() public pure virtual returns (uint8) {
        return 6;
    }

    /// @inheritdoc IERC20
    function balanceOf(address account) public view virtual returns (uint256) {
        return _accounts[account] & BALANCE_MASK;
    }

    /// @inheritdoc IERC20
    function allowance(address owner, address spender) public view virtual returns (uint256) {
        return _allowances[owner][spender];
    }

    /// @inheritdoc IERC20
    function transfer(address to, uint256 value) public virtual returns (bool) {
        _transfer(msg.sender, to, value);
        return true;
    }

    /// @inheritdoc IERC20
    function approve(address spender, uint256 value) public virtual returns (bool) {
        _approve(msg.sender, spender, value, true);
        return true;
    }

    /// @inheritdoc IERC20
    function transferFrom(address from, address to, uint256 value) public virtual returns (bool) {
        _spendAllowance(from, msg.sender, value);
        _transfer(from, to, value);
        return true;
    }

    /// @dev Moves `value` from `from` to `to`; neither may be the zero address.
    function _transfer(address from, address to, uint256 value) internal {
        if (from == address(0)) revert ERC20InvalidSender(address(0));
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        _update(from, to, value);
    }

    /// @dev Moves `value` from `from` to `to`; mints if `from` is zero and burns if `to` is zero (balances only:
    /// the derived contract accounts for the supply). Every path that moves value passes here, and through the
    /// hooks. Emits {Transfer}.
    function _update(address from, address to, uint256 value) internal virtual {
        if (from != address(0)) _debit(from, _checkDebit(from, _accounts[from], value), value);
        if (to != address(0)) {
            uint256 toWord = _accounts[to];
            _checkCredit(to, toWord, value);
            _credit(to, toWord, value);
        }
        emit Transfer(from, to, value);
    }

    /// @dev Hook: `value` is about to leave `from`, whose word is `fromWord`. Returns the word to debit, so a
    /// derived contract can check it and update its own bits in the same write. Must not change the balance bits.
    function _checkDebit(address, uint256 fromWord, uint256) internal virtual returns (uint256) {
        return fromWord;
    }

    /// @dev Hook: `value` is about to reach `to`, whose word is `toWord`. Reverts to refuse.
    function _checkCredit(address, uint256, uint256) internal view virtual {}

    /// @dev Takes `value` from `from`'s balance (word `fromWord`, already read) and writes the word once.
    function _debit(address from, uint256 fromWord, uint256 value) internal {
        uint256 fromBalance = fromWord & BALANCE_MASK;
        if (fromBalance < value) revert ERC20InsufficientBalance(from, fromBalance, value);
        // value ≤ fromBalance: only the balance bits decrease, no borrow from the bits above.
        unchecked {
            _accounts[from] = fromWord - value;
        }
    }

    /// @dev Adds `value` to `to`'s balance (word `toWord`, already read) and writes the word once.
    function _credit(address to, uint256 toWord, uint256 value) internal {
        // The derived contract bounds every balance below 2^96 (see the contract's @dev): no carry, no overflow.
        unchecked {
            _accounts[to] = toWord + value;
        }
    }

    /// @dev Creates `value` tokens for `account` (not the zero address) through {_update}.
    function _mint(address account, uint256 value) internal {
        if (account == address(0)) revert ERC20InvalidReceiver(address(0));
        _update(address(0), account, value);
    }

    /// @dev Destroys `value` tokens of `account` through {_update}. Callers pass a non-zero account.
    function _burn(address account, uint256 value) internal {
        _update(account, address(0), value);
    }

    /// @dev Sets `spender`'s allowance over `owner`'s tokens, emitting {Approval} if `emitEvent`.
    function _approve(address owner, address spender, uint256 value, bool emitEvent) internal virtual {
        if (owner == address(0)) revert ERC20InvalidApprover(address(0));
        if (spender == address(0)) revert ERC20InvalidSpender(address(0));
        _allowances[owner][spender] = value;
        if (emitEvent) emit Approval(owner, spender, value);
    }

    /// @dev Spends `value` of `spender`'s allowance over `owner`'s tokens; an infinite allowance is not spent.
    function _spendAllowance(address owner, address spender, uint256 value) internal virtual {
        uint256 currentAllowance = _allowances[owner][spender];
        if (currentAllowance < type(uint256).max) {
            if (currentAllowance < value) revert ERC20InsufficientAllowance(spender, currentAllowance, value);
            // value ≤ currentAllowance.
            unchecked {
                _approve(owner, spender, currentAllowance - value, false);
            }
        }
    }
}

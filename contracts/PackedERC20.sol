// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Panic} from "@openzeppelin/contracts/utils/Panic.sol";

/// @title PackedERC20
/// @notice An ERC-20 core in OpenZeppelin 5's shape (one `_update` hook; mint and burn skip the zero-address side;
/// ERC-6093 errors) whose balance is the low 96 bits of a per-account storage word, so a derived contract can keep
/// the account's other data (here: the wallet registry record) in the same slot and read it for free.
/// @dev OpenZeppelin's ERC20 keeps `_balances` private, which rules out that packing. Total supply is capped at
/// `2^96 − 1` (minting past it panics like OZ's checked arithmetic), so no balance can carry into bit 96.
/// Bits 128.. of `_supplyWord` are left to the derived contract (GoodsToken keeps its pause flag there, so a mint
/// reads one slot for both).
abstract contract PackedERC20 is IERC20Metadata, IERC20Errors {
    /// @dev Low 96 bits of an account word: the balance. Also the cap of the total supply.
    uint256 internal constant BALANCE_MASK = (1 << 96) - 1;

    /// @dev One word per account: balance in bits 0–95, the rest belongs to the derived contract.
    mapping(address account => uint256) internal _accounts;

    mapping(address account => mapping(address spender => uint256)) private _allowances;

    /// @dev Total supply in bits 0–95; bits 96.. belong to the derived contract.
    uint256 internal _supplyWord;

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
    function totalSupply() public view virtual returns (uint256) {
        return _supplyWord & BALANCE_MASK;
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

    /// @dev Moves `value` from `from` to `to`, minting if `from` is zero and burning if `to` is zero. The one hook:
    /// override it to add rules, and call `super._update`. Only the balance bits of the account words change.
    function _update(address from, address to, uint256 value) internal virtual {
        if (from == address(0)) {
            uint256 supplyWord = _supplyWord;
            uint256 supply = (supplyWord & BALANCE_MASK) + value;
            if (supply > BALANCE_MASK) Panic.panic(Panic.UNDER_OVERFLOW);
            _supplyWord = (supplyWord & ~BALANCE_MASK) | supply;
        } else {
            uint256 fromWord = _accounts[from];
            uint256 fromBalance = fromWord & BALANCE_MASK;
            if (fromBalance < value) revert ERC20InsufficientBalance(from, fromBalance, value);
            // value ≤ fromBalance: only the balance bits decrease, no borrow from the record bits.
            unchecked {
                _accounts[from] = fromWord - value;
            }
        }

        if (to == address(0)) {
            // value ≤ a balance ≤ total supply: no borrow from the bits above the supply.
            unchecked {
                _supplyWord -= value;
            }
        } else {
            // balance + value ≤ total supply ≤ BALANCE_MASK: no carry into the record bits, no overflow.
            unchecked {
                _accounts[to] += value;
            }
        }

        emit Transfer(from, to, value);
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

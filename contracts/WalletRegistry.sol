// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IWalletRegistry} from "./interfaces/IWalletRegistry.sol";
import {PackedERC20} from "./PackedERC20.sol";

/// @title WalletRegistry
/// @notice The wallet registry, built into the token: each wallet's record lives in the bits above the balance in
/// the account word (docs/DESIGN.md §1), so the compliance check on a transfer costs no extra storage read but the
/// tier slot.
/// @dev Account word: balance 0–95 | spentToday 96–159 | spentDay 160–183 | kycExpiryDay 184–207 | tier 208–215 |
/// status 216–217 | role 218–220 | denylisted 221 | reserved 222–223 | region 224–239 | institution 240–255.
/// Tier word: maxBalance 0–63 | maxTransfer 64–127 | dailyOutflow 128–191 | paused 255. The pause flag is copied
/// into every configured tier's word, because every value-moving path reads a tier word anyway: pausing costs a
/// write per configured tier, and checking the pause costs nothing.
abstract contract WalletRegistry is PackedERC20, AccessControlDefaultAdminRules, IWalletRegistry {
    /// @inheritdoc IWalletRegistry
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");
    /// @inheritdoc IWalletRegistry
    bytes32 public constant COMPLIANCE_ROLE = keccak256("COMPLIANCE_ROLE");

    uint256 private constant MASK8 = 0xff;
    uint256 private constant MASK16 = 0xffff;
    uint256 private constant MASK24 = 0xffffff;
    uint256 private constant MASK64 = 0xffffffffffffffff;

    uint256 private constant SPENT_SHIFT = 96;
    uint256 private constant SPENT_DAY_SHIFT = 160;
    uint256 private constant KYC_SHIFT = 184;
    uint256 private constant TIER_SHIFT = 208;
    uint256 private constant STATUS_SHIFT = 216;
    uint256 private constant ROLE_SHIFT = 218;
    uint256 private constant REGION_SHIFT = 224;
    uint256 private constant INSTITUTION_SHIFT = 240;

    /// @dev spentToday and spentDay together.
    uint256 private constant SPENT_FIELDS = ((1 << 88) - 1) << SPENT_SHIFT;
    /// @dev kycExpiryDay, tier, status, role, region, institution: what registration sets.
    uint256 private constant RECORD_FIELDS =
        (MASK24 << KYC_SHIFT) | (MASK8 << TIER_SHIFT) | (7 << ROLE_SHIFT) | (MASK16 << REGION_SHIFT)
            | (MASK16 << INSTITUTION_SHIFT);
    uint256 private constant STATUS_FIELD = 3 << STATUS_SHIFT;
    uint256 internal constant DENYLIST_BIT = 1 << 221;
    /// @dev Status and denylist bits after `>> STATUS_SHIFT`: equal to STATUS_ACTIVE iff active and not denylisted.
    uint256 private constant MOVABLE_MASK = 0x23;

    uint256 internal constant STATUS_UNREGISTERED = 0;
    uint256 internal constant STATUS_ACTIVE = 1;
    uint256 internal constant STATUS_FROZEN = 2;
    uint256 internal constant STATUS_CLOSED = 3;

    /// @dev The reason code of the status events a migration's import emits.
    bytes32 internal constant MIGRATION_REASON = "MIGRATION";
    uint256 private constant TIER_PAUSED = 1 << 255;
    uint256 private constant TIER_LIMITS = (1 << 192) - 1;

    mapping(uint8 tier => uint256) private _tiers;
    /// @dev Bit i set: tier i is configured (so pausing flags its word).
    uint256 private _configuredTiers;
    bool private _paused;
    mapping(address account => bytes32) private _aliasOf;
    mapping(bytes32 aliasCommitment => address) private _walletByAlias;

    // ----------------------------------------------------------------------------------------------------------
    // Registrar
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IWalletRegistry
    function registerWallet(
        address account,
        uint8 role,
        uint8 tier,
        uint16 region,
        uint16 institution,
        uint24 kycExpiryDay
    ) external onlyRole(REGISTRAR_ROLE) {
        _register(account, role, tier, region, institution, kycExpiryDay);
    }

    /// @inheritdoc IWalletRegistry
    function registerWallets(WalletRegistration[] calldata registrations) external onlyRole(REGISTRAR_ROLE) {
        uint256 n = registrations.length;
        if (n == 0) revert WalletRegistryEmptyBatch();
        for (uint256 i; i < n; ++i) {
            WalletRegistration calldata r = registrations[i];
            _register(r.account, r.role, r.tier, r.region, r.institution, r.kycExpiryDay);
        }
    }

    /// @inheritdoc IWalletRegistry
    function updateWallet(
        address account,
        uint8 role,
        uint8 tier,
        uint16 region,
        uint16 institution,
        uint24 kycExpiryDay,
        bytes32 reasonCode
    ) external onlyRole(REGISTRAR_ROLE) {
        uint256 word = _accounts[account];
        _requireOpen(account, word);
        uint256 record = _encodeRecord(role, tier, region, institution, kycExpiryDay);
        _accounts[account] = (word & ~RECORD_FIELDS) | record;
        emit WalletUpdated(
            account, msg.sender, WalletRole(role), tier, region, institution, kycExpiryDay, reasonCode
        );
    }

    /// @inheritdoc IWalletRegistry
    function linkAlias(address account, bytes32 aliasCommitment) external onlyRole(REGISTRAR_ROLE) {
        _requireOpen(account, _accounts[account]);
        if (aliasCommitment == bytes32(0)) revert WalletRegistryInvalidAlias(aliasCommitment);
        address holder = _walletByAlias[aliasCommitment];
        if (holder != address(0)) revert WalletRegistryAliasTaken(aliasCommitment, holder);
        _unlinkAlias(account);
        _linkAlias(account, aliasCommitment);
    }

    /// @inheritdoc IWalletRegistry
    function closeWallet(address account, bytes32 reasonCode) external onlyRole(REGISTRAR_ROLE) {
        uint256 word = _accounts[account];
        _requireOpen(account, word);
        uint256 balance = word & BALANCE_MASK;
        if (balance != 0) revert WalletRegistryBalanceNotZero(account, balance);
        _unlinkAlias(account);
        _close(account, word, reasonCode);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Compliance
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IWalletRegistry
    function freezeWallet(address account, bytes32 reasonCode) external onlyRole(COMPLIANCE_ROLE) {
        uint256 word = _accounts[account];
        uint256 status = _status(word);
        if (status != STATUS_ACTIVE) _revertStatus(account, status);
        _accounts[account] = (word & ~STATUS_FIELD) | (STATUS_FROZEN << STATUS_SHIFT);
        emit WalletFrozen(account, msg.sender, reasonCode);
    }

    /// @inheritdoc IWalletRegistry
    function unfreezeWallet(address account, bytes32 reasonCode) external onlyRole(COMPLIANCE_ROLE) {
        uint256 word = _accounts[account];
        uint256 status = _status(word);
        if (status != STATUS_FROZEN) {
            if (status == STATUS_ACTIVE) revert WalletRegistryWalletNotFrozen(account);
            _revertStatus(account, status);
        }
        _accounts[account] = (word & ~STATUS_FIELD) | (STATUS_ACTIVE << STATUS_SHIFT);
        emit WalletUnfrozen(account, msg.sender, reasonCode);
    }

    /// @inheritdoc IWalletRegistry
    function denylist(address account, bytes32 reasonCode) external onlyRole(COMPLIANCE_ROLE) {
        if (account == address(0)) revert WalletRegistryInvalidAccount(account);
        uint256 word = _accounts[account];
        if (word & DENYLIST_BIT != 0) revert WalletRegistryWalletDenylisted(account);
        _accounts[account] = word | DENYLIST_BIT;
        emit WalletDenylisted(account, msg.sender, reasonCode);
    }

    /// @inheritdoc IWalletRegistry
    function removeFromDenylist(address account, bytes32 reasonCode) external onlyRole(COMPLIANCE_ROLE) {
        uint256 word = _accounts[account];
        if (word & DENYLIST_BIT == 0) revert WalletRegistryWalletNotDenylisted(account);
        _accounts[account] = word & ~DENYLIST_BIT;
        emit WalletDenylistCleared(account, msg.sender, reasonCode);
    }

    /// @inheritdoc IWalletRegistry
    function setTierLimits(uint8 tier, uint64 maxBalance, uint64 maxTransfer, uint64 dailyOutflow)
        external
        onlyRole(COMPLIANCE_ROLE)
    {
        if (maxBalance == 0 || maxTransfer == 0 || dailyOutflow == 0) {
            revert WalletRegistryInvalidTierLimits(tier, maxBalance, maxTransfer, dailyOutflow);
        }
        _tiers[tier] = uint256(maxBalance) | (uint256(maxTransfer) << 64) | (uint256(dailyOutflow) << 128)
            | (_paused ? TIER_PAUSED : 0);
        _configuredTiers |= 1 << tier;
        emit TierLimitsSet(tier, maxBalance, maxTransfer, dailyOutflow, msg.sender);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Views
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IWalletRegistry
    function walletOf(address account) external view returns (Wallet memory wallet) {
        uint256 word = _accounts[account];
        wallet.status = WalletStatus(_status(word));
        wallet.role = WalletRole((word >> ROLE_SHIFT) & 7);
        wallet.tier = _tier(word);
        wallet.denylisted = word & DENYLIST_BIT != 0;
        wallet.region = uint16(word >> REGION_SHIFT);
        wallet.institution = uint16(word >> INSTITUTION_SHIFT);
        wallet.kycExpiryDay = uint24(word >> KYC_SHIFT);
        wallet.spentDay = uint24(word >> SPENT_DAY_SHIFT);
        wallet.spentToday = uint64(word >> SPENT_SHIFT);
        wallet.balance = word & BALANCE_MASK;
        wallet.aliasCommitment = _aliasOf[account];
    }

    /// @inheritdoc IWalletRegistry
    function tierLimits(uint8 tier) external view returns (TierLimits memory limits) {
        uint256 t = _tiers[tier];
        limits.maxBalance = uint64(t);
        limits.maxTransfer = uint64(t >> 64);
        limits.dailyOutflow = uint64(t >> 128);
    }

    /// @inheritdoc IWalletRegistry
    /// @dev 0 for a wallet that cannot send today (paused; unregistered, frozen, closed, denylisted or KYC expired).
    function remainingDailyOutflow(address account) external view returns (uint256) {
        uint256 word = _accounts[account];
        uint256 limits = _tiers[_tier(word)];
        uint256 today = block.timestamp / 1 days;
        if (
            limits & TIER_PAUSED != 0 || (word >> STATUS_SHIFT) & MOVABLE_MASK != STATUS_ACTIVE
                || (word >> KYC_SHIFT) & MASK24 <= today
        ) return 0;
        return _remainingToday(word, (limits >> 128) & MASK64, today);
    }

    /// @inheritdoc IWalletRegistry
    function walletByAlias(bytes32 aliasCommitment) external view returns (address) {
        return _walletByAlias[aliasCommitment];
    }

    /// @inheritdoc IWalletRegistry
    function currentDay() external view returns (uint256) {
        return block.timestamp / 1 days;
    }

    // ----------------------------------------------------------------------------------------------------------
    // The compliance check (the hooks of PackedERC20._update, through which every value-moving path passes)
    // ----------------------------------------------------------------------------------------------------------

    /// @dev The sender's side of the check, as a hook of PackedERC20._update: reverts with {_senderCheck}'s error.
    function _checkDebit(address from, uint256 word, uint256 value) internal view override returns (uint256 debited) {
        bool ok;
        (debited, ok) = _senderCheck(word, value);
        if (!ok) _revertWith(_senderFailure(from, word, value));
    }

    /// @dev The recipient's side of the check, as a hook of PackedERC20._update.
    function _checkCredit(address to, uint256 word, uint256 value) internal view override {
        _checkRecipient(to, word, value, false);
    }

    /// @dev {_recipientCheck}, reverting with its error.
    function _checkRecipient(address to, uint256 word, uint256 value, bool whilePaused) internal view {
        if (!_recipientCheck(word, value, whilePaused)) _revertWith(_recipientFailure(to, word, value, whilePaused));
    }

    /// @dev The sender's side of the one compliance check: not paused; `from` registered, active, not denylisted, KYC
    /// not expired; `value` within its tier's single-transfer limit and what is left of today's outflow. Returns the
    /// word with `value` added to today's outflow (written once, with the balance, by PackedERC20) and whether every
    /// rule holds; {_senderFailure} names the first that fails ({_update}'s hook reverts with it, a partial batch
    /// skips the leg with it).
    function _senderCheck(uint256 word, uint256 value) internal view returns (uint256 debited, bool ok) {
        uint256 limits = _tiers[uint8(word >> TIER_SHIFT)];
        uint256 today = block.timestamp / 1 days;
        uint256 spent = _spentToday(word, today);
        // One combined test on the hot path; {_senderFailure} names the rule that failed.
        if (
            limits & TIER_PAUSED != 0 || (word >> STATUS_SHIFT) & MOVABLE_MASK != STATUS_ACTIVE
                || (word >> KYC_SHIFT) & MASK24 <= today || value > (limits >> 64) & MASK64
                || spent + value > (limits >> 128) & MASK64
        ) return (word, false);
        // spent + value ≤ dailyOutflow < 2^64 (checked just above); today < 2^24 until the year 47,900.
        unchecked {
            return ((word & ~SPENT_FIELDS) | ((spent + value) << SPENT_SHIFT) | (today << SPENT_DAY_SHIFT), true);
        }
    }

    /// @dev The revert data of the first sender rule that fails (called only when {_senderCheck} failed).
    function _senderFailure(address from, uint256 word, uint256 value) internal view returns (bytes memory) {
        uint256 today = block.timestamp / 1 days;
        return _senderError(from, word, _tiers[uint8(word >> TIER_SHIFT)], value, _spentToday(word, today), today);
    }

    /// @dev The recipient's side of the one compliance check: not paused (unless `whilePaused`: seizure); `to`
    /// registered, active, not denylisted, KYC not expired, and its balance after receiving `value` within its tier's
    /// maximum balance (< 2^64, which keeps every balance below 2^96 as PackedERC20 requires). Returns whether every
    /// rule holds; {_recipientFailure} names the first that fails.
    function _recipientCheck(uint256 word, uint256 value, bool whilePaused) internal view returns (bool) {
        uint256 limits = _tiers[uint8(word >> TIER_SHIFT)];
        uint256 maxBalance = limits & MASK64;
        return !(
            (!whilePaused && limits & TIER_PAUSED != 0) || (word >> STATUS_SHIFT) & MOVABLE_MASK != STATUS_ACTIVE
                || (word >> KYC_SHIFT) & MASK24 <= block.timestamp / 1 days || value > maxBalance
                || (word & BALANCE_MASK) + value > maxBalance
        );
    }

    /// @dev The revert data of the first recipient rule that fails (called only when {_recipientCheck} failed).
    function _recipientFailure(address to, uint256 word, uint256 value, bool whilePaused)
        internal
        view
        returns (bytes memory)
    {
        return _recipientError(to, word, _tiers[uint8(word >> TIER_SHIFT)], value, whilePaused);
    }

    /// @dev The error that stops `account` from sending anything at all (pause, wallet status, denylist, KYC), or
    /// none: a partial batch refuses such a sender outright instead of skipping every leg.
    function _cannotSendError(address account) internal view returns (bytes memory err) {
        if (_paused) return _pausedError();
        return _canMoveError(account, _accounts[account], block.timestamp / 1 days);
    }

    /// @dev One leg of a partial batch: moves `value` from `from` to `to` exactly as {_update} would (the same checks,
    /// the same writes, {IERC20-Transfer}), or moves nothing and returns the revert data `_update` would have
    /// reverted with (also for a zero recipient or an insufficient balance).
    function _tryTransfer(address from, address to, uint256 value) internal returns (bytes memory err) {
        if (to == address(0)) return abi.encodeWithSelector(ERC20InvalidReceiver.selector, address(0));
        uint256 fromWord = _accounts[from];
        (uint256 debited, bool ok) = _senderCheck(fromWord, value);
        if (!ok) return _senderFailure(from, fromWord, value);
        uint256 balance = fromWord & BALANCE_MASK;
        if (balance < value) return abi.encodeWithSelector(ERC20InsufficientBalance.selector, from, balance, value);
        // value ≤ balance: only the balance bits decrease.
        unchecked {
            _accounts[from] = debited - value;
        }
        // Read after the debit, as {_update} does, so a leg to oneself sees its own debit.
        uint256 toWord = _accounts[to];
        if (!_recipientCheck(toWord, value, false)) {
            _accounts[from] = fromWord;
            return _recipientFailure(to, toWord, value, false);
        }
        _credit(to, toWord, value);
        emit Transfer(from, to, value);
    }

    /// @dev A spender moves value too (transferFrom): unless it is the owner itself (checked as the sender), it
    /// passes the same can-move check as a sender: registered, active, not denylisted, KYC not expired. Costs one
    /// cold read, on transferFrom only.
    function _spendAllowance(address owner, address spender, uint256 value) internal override {
        if (spender != owner) _requireCanMove(spender, _accounts[spender], block.timestamp / 1 days);
        super._spendAllowance(owner, spender, value);
    }

    /// @inheritdoc PackedERC20
    /// @dev Refused while paused and for a denylisted, frozen or closed owner or spender, as USDC refuses
    /// (see {_checkApproval}).
    function approve(address spender, uint256 value) public override returns (bool) {
        _checkApproval(msg.sender, spender);
        return super.approve(spender, value);
    }

    /// @dev The check on granting an allowance (approve, permit): not paused; neither party denylisted, frozen or
    /// closed. An unregistered spender may be approved (it must register before it can spend).
    function _checkApproval(address owner, address spender) internal view {
        if (_paused) _revertPaused();
        _requireNotBlocked(owner, _accounts[owner]);
        _requireNotBlocked(spender, _accounts[spender]);
    }

    /// @dev Reverts if the account is denylisted, frozen or closed.
    function _requireNotBlocked(address account, uint256 word) private pure {
        if (word & DENYLIST_BIT != 0) revert WalletRegistryWalletDenylisted(account);
        uint256 status = _status(word);
        if (status == STATUS_FROZEN || status == STATUS_CLOSED) _revertStatus(account, status);
    }

    /// @dev The first sender rule that fails, in the order: pause, wallet, single transfer, daily.
    function _senderError(address from, uint256 word, uint256 limits, uint256 value, uint256 spent, uint256 today)
        private
        pure
        returns (bytes memory err)
    {
        if (limits & TIER_PAUSED != 0) return _pausedError();
        err = _canMoveError(from, word, today);
        if (err.length != 0) return err;
        uint8 tier = _tier(word);
        uint256 maxTransfer = (limits >> 64) & MASK64;
        if (value > maxTransfer) {
            return abi.encodeWithSelector(WalletRegistryTransferLimitExceeded.selector, from, tier, maxTransfer, value);
        }
        uint256 dailyOutflow = (limits >> 128) & MASK64;
        return abi.encodeWithSelector(
            WalletRegistryDailyLimitExceeded.selector, from, tier, spent < dailyOutflow ? dailyOutflow - spent : 0, value
        );
    }

    /// @dev The first recipient rule that fails, in the order: pause, wallet, maximum balance.
    function _recipientError(address to, uint256 word, uint256 limits, uint256 value, bool whilePaused)
        private
        view
        returns (bytes memory err)
    {
        if (!whilePaused && limits & TIER_PAUSED != 0) return _pausedError();
        err = _canMoveError(to, word, block.timestamp / 1 days);
        if (err.length != 0) return err;
        uint256 balance = word & BALANCE_MASK;
        uint256 balanceAfter;
        // balance < 2^96; saturate so a huge `value` still reports instead of overflowing.
        unchecked {
            balanceAfter = balance + value < value ? type(uint256).max : balance + value;
        }
        return abi.encodeWithSelector(
            WalletRegistryBalanceLimitExceeded.selector, to, _tier(word), limits & MASK64, balanceAfter
        );
    }

    /// @dev Reverts unless the account may move value today: not denylisted, active, KYC not expired.
    function _requireCanMove(address account, uint256 word, uint256 today) private pure {
        bytes memory err = _canMoveError(account, word, today);
        if (err.length != 0) _revertWith(err);
    }

    /// @dev The error that stops the account from moving value today (denylisted, not active, KYC expired), or none.
    function _canMoveError(address account, uint256 word, uint256 today) private pure returns (bytes memory) {
        if (word & DENYLIST_BIT != 0) return abi.encodeWithSelector(WalletRegistryWalletDenylisted.selector, account);
        uint256 status = _status(word);
        if (status != STATUS_ACTIVE) return _statusError(account, status);
        uint256 kycExpiryDay = (word >> KYC_SHIFT) & MASK24;
        if (today >= kycExpiryDay) {
            return abi.encodeWithSelector(WalletRegistryKycExpired.selector, account, uint24(kycExpiryDay));
        }
        return "";
    }

    /// @dev Reverts with `err`, the revert data of a custom error.
    function _revertWith(bytes memory err) internal pure {
        assembly ("memory-safe") {
            revert(add(err, 0x20), mload(err))
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // Pause (the flag lives in the tier words; GoodsToken exposes pause/unpause)
    // ----------------------------------------------------------------------------------------------------------

    /// @dev Whether value movements are paused.
    function _isPaused() internal view returns (bool) {
        return _paused;
    }

    /// @dev Sets the pause flag and copies it into every configured tier's word.
    function _setPaused(bool paused_) internal {
        _paused = paused_;
        uint256 configured = _configuredTiers;
        for (uint256 tier; configured != 0; ++tier) {
            if (configured & 1 != 0) {
                uint8 t = uint8(tier);
                _tiers[t] = paused_ ? _tiers[t] | TIER_PAUSED : _tiers[t] & ~TIER_PAUSED;
            }
            configured >>= 1;
        }
    }

    /// @dev The revert data of the paused error (declared by the token's interface, which owns pausing).
    function _pausedError() internal pure virtual returns (bytes memory);

    /// @dev Reverts with the paused error.
    function _revertPaused() internal pure {
        _revertWith(_pausedError());
    }

    // ----------------------------------------------------------------------------------------------------------
    // Internals shared with GoodsToken (recovery)
    // ----------------------------------------------------------------------------------------------------------

    /// @dev Reverts unless the account is registered and not closed (active or frozen).
    function _requireOpen(address account, uint256 word) internal pure {
        uint256 status = _status(word);
        if (status == STATUS_UNREGISTERED || status == STATUS_CLOSED) _revertStatus(account, status);
    }

    /// @dev Reverts with the error naming a status other than active (callers never pass active).
    function _revertStatus(address account, uint256 status) internal pure {
        _revertWith(_statusError(account, status));
    }

    /// @dev The error naming a status other than active.
    function _statusError(address account, uint256 status) private pure returns (bytes memory) {
        if (status == STATUS_FROZEN) return abi.encodeWithSelector(WalletRegistryWalletFrozen.selector, account);
        if (status == STATUS_CLOSED) return abi.encodeWithSelector(WalletRegistryWalletClosed.selector, account);
        return abi.encodeWithSelector(WalletRegistryWalletNotRegistered.selector, account);
    }

    /// @dev Marks the account closed (keeping its record fields for history) and emits {WalletClosed}.
    function _close(address account, uint256 word, bytes32 reasonCode) internal {
        _accounts[account] = (word & ~STATUS_FIELD) | (STATUS_CLOSED << STATUS_SHIFT);
        emit WalletClosed(account, msg.sender, reasonCode);
    }

    /// @dev Moves `lost`'s alias, if any, to `replacement`.
    function _moveAlias(address lost, address replacement) internal {
        bytes32 aliasCommitment = _unlinkAlias(lost);
        if (aliasCommitment != bytes32(0)) _linkAlias(replacement, aliasCommitment);
    }

    /// @dev The status bits of an account word.
    function _status(uint256 word) internal pure returns (uint256) {
        return (word >> STATUS_SHIFT) & 3;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Migration (GoodsToken's importWallets; docs/DESIGN.md §5)
    // ----------------------------------------------------------------------------------------------------------

    /// @dev Writes an unregistered wallet's whole record and balance as v1 had them, with the events an indexer
    /// rebuilds it from ({WalletRegistered}, then {WalletFrozen} / {WalletClosed} / {WalletDenylisted} with reason
    /// `MIGRATION`, {AliasLinked}, and the balance's `Transfer` from the zero address). Returns the balance.
    function _importWallet(WalletImport calldata w) internal returns (uint256 balance) {
        address account = w.account;
        if (account == address(0)) revert WalletRegistryInvalidAccount(account);
        if (_accounts[account] != 0) revert WalletRegistryWalletAlreadyRegistered(account);
        uint256 status = w.status;
        if (status == STATUS_UNREGISTERED || status > STATUS_CLOSED) revert WalletRegistryInvalidStatus(account, w.status);
        if (w.role == uint8(WalletRole.None) || w.role > uint8(WalletRole.Institution)) {
            revert WalletRegistryInvalidRole(w.role);
        }
        if (_tiers[w.tier] & TIER_LIMITS == 0) revert WalletRegistryUnknownTier(w.tier);
        balance = w.balance;
        _accounts[account] = balance | (uint256(w.kycExpiryDay) << KYC_SHIFT) | (uint256(w.tier) << TIER_SHIFT)
            | (status << STATUS_SHIFT) | (uint256(w.role) << ROLE_SHIFT) | (w.denylisted ? DENYLIST_BIT : 0)
            | (uint256(w.region) << REGION_SHIFT) | (uint256(w.institution) << INSTITUTION_SHIFT);
        emit WalletRegistered(account, msg.sender, WalletRole(w.role), w.tier, w.region, w.institution, w.kycExpiryDay);
        if (status == STATUS_FROZEN) emit WalletFrozen(account, msg.sender, MIGRATION_REASON);
        else if (status == STATUS_CLOSED) emit WalletClosed(account, msg.sender, MIGRATION_REASON);
        if (w.denylisted) emit WalletDenylisted(account, msg.sender, MIGRATION_REASON);
        bytes32 aliasCommitment = w.aliasCommitment;
        if (aliasCommitment != bytes32(0)) {
            address holder = _walletByAlias[aliasCommitment];
            if (holder != address(0)) revert WalletRegistryAliasTaken(aliasCommitment, holder);
            _linkAlias(account, aliasCommitment);
        }
        if (balance != 0) emit Transfer(address(0), account, balance);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Private helpers
    // ----------------------------------------------------------------------------------------------------------

    function _register(
        address account,
        uint8 role,
        uint8 tier,
        uint16 region,
        uint16 institution,
        uint24 kycExpiryDay
    ) private {
        if (account == address(0)) revert WalletRegistryInvalidAccount(account);
        uint256 word = _accounts[account];
        if (_status(word) != STATUS_UNREGISTERED) revert WalletRegistryWalletAlreadyRegistered(account);
        // An unregistered word holds at most the denylist bit (nothing can be sent to it), which is kept.
        _accounts[account] =
            word | _encodeRecord(role, tier, region, institution, kycExpiryDay) | (STATUS_ACTIVE << STATUS_SHIFT);
        emit WalletRegistered(account, msg.sender, WalletRole(role), tier, region, institution, kycExpiryDay);
    }

    /// @dev Validates and packs the registrar-set fields of a record.
    function _encodeRecord(uint8 role, uint8 tier, uint16 region, uint16 institution, uint24 kycExpiryDay)
        private
        view
        returns (uint256)
    {
        if (role == uint8(WalletRole.None) || role > uint8(WalletRole.Institution)) {
            revert WalletRegistryInvalidRole(role);
        }
        if (_tiers[tier] & TIER_LIMITS == 0) revert WalletRegistryUnknownTier(tier);
        uint256 today = block.timestamp / 1 days;
        if (kycExpiryDay <= today) revert WalletRegistryInvalidKycExpiry(kycExpiryDay, today);
        return (uint256(kycExpiryDay) << KYC_SHIFT) | (uint256(tier) << TIER_SHIFT) | (uint256(role) << ROLE_SHIFT)
            | (uint256(region) << REGION_SHIFT) | (uint256(institution) << INSTITUTION_SHIFT);
    }

    function _linkAlias(address account, bytes32 aliasCommitment) private {
        _aliasOf[account] = aliasCommitment;
        _walletByAlias[aliasCommitment] = account;
        emit AliasLinked(account, aliasCommitment, msg.sender);
    }

    /// @dev Unlinks the account's alias, if any, and returns it.
    function _unlinkAlias(address account) private returns (bytes32 aliasCommitment) {
        aliasCommitment = _aliasOf[account];
        if (aliasCommitment != bytes32(0)) {
            delete _aliasOf[account];
            delete _walletByAlias[aliasCommitment];
            emit AliasUnlinked(account, aliasCommitment, msg.sender);
        }
    }

    function _tier(uint256 word) private pure returns (uint8) {
        return uint8(word >> TIER_SHIFT);
    }

    /// @dev Outflow already recorded for `today` (0 if the recorded day is another one).
    function _spentToday(uint256 word, uint256 today) private pure returns (uint256) {
        return ((word >> SPENT_DAY_SHIFT) & MASK24) == today ? (word >> SPENT_SHIFT) & MASK64 : 0;
    }

    /// @dev What is left of `dailyOutflow` today (0 if a lowered limit is already used up).
    function _remainingToday(uint256 word, uint256 dailyOutflow, uint256 today) private pure returns (uint256) {
        uint256 spent = _spentToday(word, today);
        return spent < dailyOutflow ? dailyOutflow - spent : 0;
    }
}

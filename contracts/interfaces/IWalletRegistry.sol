// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IWalletRegistry
/// @notice The wallet registry: one record per wallet (status, role, KYC tier, region, institution, KYC expiry,
/// denylist flag, today's outflow) and a tier table of limits. It is deployed as part of GoodsToken, packed into the
/// same storage word as the balance (docs/DESIGN.md §1), so the deployment file's `walletRegistry` equals `token`.
/// @dev Days are UTC day numbers: `block.timestamp / 1 days`. A wallet may move value while
/// `currentDay() < kycExpiryDay`. Amounts and limits are in token units (6 decimals).
interface IWalletRegistry {
    /// @notice Lifecycle of a wallet. `Unregistered` is the zero value of an address never registered.
    enum WalletStatus {
        Unregistered,
        Active,
        Frozen,
        Closed
    }

    /// @notice What kind of party holds the wallet. `None` is never a valid registered role.
    enum WalletRole {
        None,
        Individual,
        Agent,
        Merchant,
        Institution
    }

    /// @notice A wallet's record as returned by {walletOf}.
    /// @param status Lifecycle status.
    /// @param role Kind of party.
    /// @param tier KYC tier, an index into the tier table.
    /// @param denylisted Whether compliance has denylisted the address (independent of `status`).
    /// @param region Region code.
    /// @param institution Institution id of the registering bank.
    /// @param kycExpiryDay First UTC day on which the wallet may no longer move value.
    /// @param spentDay UTC day that `spentToday` refers to.
    /// @param spentToday Outflow on `spentDay`, in token units.
    /// @param balance Balance in token units (same as `balanceOf`).
    /// @param aliasCommitment Linked alias commitment (keyed hash of a phone number), or zero.
    struct Wallet {
        WalletStatus status;
        WalletRole role;
        uint8 tier;
        bool denylisted;
        uint16 region;
        uint16 institution;
        uint24 kycExpiryDay;
        uint24 spentDay;
        uint64 spentToday;
        uint256 balance;
        bytes32 aliasCommitment;
    }

    /// @notice One wallet as a v1 ledger recorded it, imported by a migration ({IGoodsToken-importWallets}).
    /// `role` is a {WalletRole} value and `status` a {WalletStatus} value (Active, Frozen or Closed), as uint8.
    /// `kycExpiryDay` may be in the past (an expired KYC stays expired). `aliasCommitment` 0 means no alias.
    struct WalletImport {
        address account;
        uint8 role;
        uint8 tier;
        uint8 status;
        bool denylisted;
        uint16 region;
        uint16 institution;
        uint24 kycExpiryDay;
        uint96 balance;
        bytes32 aliasCommitment;
    }

    /// @notice One entry of {registerWallets}. `role` is a {WalletRole} value as uint8.
    struct WalletRegistration {
        address account;
        uint8 role;
        uint8 tier;
        uint16 region;
        uint16 institution;
        uint24 kycExpiryDay;
    }

    /// @notice Limits of one KYC tier, in token units. `type(uint64).max` means unlimited. A tier whose limits are
    /// all zero is not configured.
    struct TierLimits {
        uint64 maxBalance;
        uint64 maxTransfer;
        uint64 dailyOutflow;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Events
    // ----------------------------------------------------------------------------------------------------------

    /// @notice A wallet was registered.
    /// @param account The wallet address.
    /// @param registrar The REGISTRAR_ROLE holder who registered it.
    /// @param role Kind of party.
    /// @param tier KYC tier.
    /// @param region Region code.
    /// @param institution Institution id.
    /// @param kycExpiryDay First UTC day on which the wallet may no longer move value.
    event WalletRegistered(
        address indexed account,
        address indexed registrar,
        WalletRole role,
        uint8 tier,
        uint16 region,
        uint16 institution,
        uint24 kycExpiryDay
    );

    /// @notice A wallet's role, tier, region, institution or KYC expiry was changed.
    /// @param account The wallet address.
    /// @param registrar The REGISTRAR_ROLE holder who changed it.
    /// @param role New kind of party.
    /// @param tier New KYC tier.
    /// @param region New region code.
    /// @param institution New institution id.
    /// @param kycExpiryDay New KYC expiry day.
    /// @param reasonCode Why (an operator-defined code).
    event WalletUpdated(
        address indexed account,
        address indexed registrar,
        WalletRole role,
        uint8 tier,
        uint16 region,
        uint16 institution,
        uint24 kycExpiryDay,
        bytes32 reasonCode
    );

    /// @notice A wallet was frozen: it can neither send nor receive until unfrozen.
    /// @param account The wallet address.
    /// @param officer The COMPLIANCE_ROLE holder who froze it.
    /// @param reasonCode Why (for example a sanctions-screening hit).
    event WalletFrozen(address indexed account, address indexed officer, bytes32 reasonCode);

    /// @notice A frozen wallet was made active again.
    /// @param account The wallet address.
    /// @param officer The COMPLIANCE_ROLE holder who unfroze it.
    /// @param reasonCode Why.
    event WalletUnfrozen(address indexed account, address indexed officer, bytes32 reasonCode);

    /// @notice A wallet was closed for good (its alias, if any, is unlinked first).
    /// @param account The wallet address.
    /// @param officer The REGISTRAR_ROLE holder (or, on recovery, the COMPLIANCE_ROLE holder) who closed it.
    /// @param reasonCode Why.
    event WalletClosed(address indexed account, address indexed officer, bytes32 reasonCode);

    /// @notice An address was put on the denylist: it can neither send nor receive.
    /// @param account The address (registered or not).
    /// @param officer The COMPLIANCE_ROLE holder.
    /// @param reasonCode Why.
    event WalletDenylisted(address indexed account, address indexed officer, bytes32 reasonCode);

    /// @notice An address was taken off the denylist.
    /// @param account The address.
    /// @param officer The COMPLIANCE_ROLE holder.
    /// @param reasonCode Why.
    event WalletDenylistCleared(address indexed account, address indexed officer, bytes32 reasonCode);

    /// @notice An alias commitment was linked to a wallet (replacing any previous one, which emits {AliasUnlinked}).
    /// @param account The wallet address.
    /// @param aliasCommitment Keyed hash of the alias (a phone number), never the number itself.
    /// @param officer The REGISTRAR_ROLE (or, on recovery, COMPLIANCE_ROLE) holder.
    event AliasLinked(address indexed account, bytes32 indexed aliasCommitment, address indexed officer);

    /// @notice An alias commitment was unlinked from a wallet.
    /// @param account The wallet address.
    /// @param aliasCommitment The commitment that was linked.
    /// @param officer The officer whose action unlinked it.
    event AliasUnlinked(address indexed account, bytes32 indexed aliasCommitment, address indexed officer);

    /// @notice The limits of a tier were set.
    /// @param tier The tier.
    /// @param maxBalance Maximum balance (`type(uint64).max` = unlimited).
    /// @param maxTransfer Maximum single outgoing transfer.
    /// @param dailyOutflow Maximum outflow per UTC day.
    /// @param officer The COMPLIANCE_ROLE holder.
    event TierLimitsSet(
        uint8 indexed tier, uint64 maxBalance, uint64 maxTransfer, uint64 dailyOutflow, address indexed officer
    );

    // ----------------------------------------------------------------------------------------------------------
    // Errors
    // ----------------------------------------------------------------------------------------------------------

    /// @notice The zero address was given where a wallet is needed.
    error WalletRegistryInvalidAccount(address account);
    /// @notice The wallet is already registered (or was registered and closed: addresses are never reused).
    error WalletRegistryWalletAlreadyRegistered(address account);
    /// @notice The wallet is not registered.
    error WalletRegistryWalletNotRegistered(address account);
    /// @notice The wallet is frozen.
    error WalletRegistryWalletFrozen(address account);
    /// @notice The wallet is not frozen (so it cannot be unfrozen).
    error WalletRegistryWalletNotFrozen(address account);
    /// @notice The wallet is closed.
    error WalletRegistryWalletClosed(address account);
    /// @notice The address is on the denylist.
    error WalletRegistryWalletDenylisted(address account);
    /// @notice The address is not on the denylist (so it cannot be removed from it).
    error WalletRegistryWalletNotDenylisted(address account);
    /// @notice The wallet's KYC has expired: `currentDay() >= kycExpiryDay`.
    error WalletRegistryKycExpired(address account, uint24 kycExpiryDay);
    /// @notice A KYC expiry day was given that is not after today.
    error WalletRegistryInvalidKycExpiry(uint24 kycExpiryDay, uint256 today);
    /// @notice A role outside 1 (Individual) .. 4 (Institution) was given.
    error WalletRegistryInvalidRole(uint8 role);
    /// @notice The tier has no limits configured.
    error WalletRegistryUnknownTier(uint8 tier);
    /// @notice Tier limits must all be non-zero (use `type(uint64).max` for unlimited).
    error WalletRegistryInvalidTierLimits(uint8 tier, uint64 maxBalance, uint64 maxTransfer, uint64 dailyOutflow);
    /// @notice The zero alias commitment was given.
    error WalletRegistryInvalidAlias(bytes32 aliasCommitment);
    /// @notice The alias commitment is already linked to another wallet.
    error WalletRegistryAliasTaken(bytes32 aliasCommitment, address holder);
    /// @notice A wallet with a balance cannot be closed; move or seize the balance first.
    error WalletRegistryBalanceNotZero(address account, uint256 balance);
    /// @notice A batch registration with no entries.
    error WalletRegistryEmptyBatch();
    /// @notice An imported wallet's status is not Active, Frozen or Closed.
    /// @param account The wallet address.
    /// @param status The status given.
    error WalletRegistryInvalidStatus(address account, uint8 status);
    /// @notice The amount is over the sender's tier's maximum single transfer.
    error WalletRegistryTransferLimitExceeded(address account, uint8 tier, uint256 maxTransfer, uint256 amount);
    /// @notice The amount is over what is left of the sender's daily outflow limit today.
    error WalletRegistryDailyLimitExceeded(address account, uint8 tier, uint256 remaining, uint256 amount);
    /// @notice The recipient's balance would exceed its tier's maximum balance.
    error WalletRegistryBalanceLimitExceeded(address account, uint8 tier, uint256 maxBalance, uint256 balanceAfter);

    // ----------------------------------------------------------------------------------------------------------
    // Registrar
    // ----------------------------------------------------------------------------------------------------------

    /// @notice Registers a wallet, so it can hold and move tokens within its tier's limits.
    /// @dev Writes exactly one fresh storage slot (the account word). A denylist flag already set on the address
    /// is kept.
    /// @param account The wallet address.
    /// @param role A {WalletRole} value, 1..4.
    /// @param tier A configured KYC tier.
    /// @param region Region code.
    /// @param institution Institution id of the registering bank.
    /// @param kycExpiryDay First UTC day on which the wallet may no longer move value; must be after today.
    ///
    /// Requirements:
    /// - the caller has REGISTRAR_ROLE;
    /// - `account` is not zero and has never been registered;
    /// - `role` is 1..4, `tier` is configured, `kycExpiryDay > currentDay()`.
    ///
    /// Emits {WalletRegistered}.
    function registerWallet(
        address account,
        uint8 role,
        uint8 tier,
        uint16 region,
        uint16 institution,
        uint24 kycExpiryDay
    ) external;

    /// @notice Registers several wallets at once, with the same rules as {registerWallet}; all or nothing.
    /// @param registrations The wallets to register.
    ///
    /// Requirements:
    /// - the caller has REGISTRAR_ROLE;
    /// - `registrations` is not empty, and each entry passes {registerWallet}'s checks.
    ///
    /// Emits one {WalletRegistered} per entry.
    function registerWallets(WalletRegistration[] calldata registrations) external;

    /// @notice Changes a wallet's role, tier, region, institution and KYC expiry (for example a KYC upgrade).
    /// Keeps its status, denylist flag, balance and today's outflow.
    /// @param account The wallet address.
    /// @param role A {WalletRole} value, 1..4.
    /// @param tier A configured KYC tier.
    /// @param region Region code.
    /// @param institution Institution id.
    /// @param kycExpiryDay New KYC expiry day; must be after today.
    /// @param reasonCode Why.
    ///
    /// Requirements:
    /// - the caller has REGISTRAR_ROLE;
    /// - the wallet is registered and not closed;
    /// - the same input rules as {registerWallet}.
    ///
    /// Emits {WalletUpdated}.
    function updateWallet(
        address account,
        uint8 role,
        uint8 tier,
        uint16 region,
        uint16 institution,
        uint24 kycExpiryDay,
        bytes32 reasonCode
    ) external;

    /// @notice Links an alias commitment (a keyed hash of a phone number) to a wallet, like a Mojaloop party
    /// lookup entry. Replaces the wallet's previous alias, if any.
    /// @param account The wallet address.
    /// @param aliasCommitment The commitment; never the phone number itself.
    ///
    /// Requirements:
    /// - the caller has REGISTRAR_ROLE;
    /// - the wallet is registered and not closed;
    /// - `aliasCommitment` is not zero and not linked to another wallet.
    ///
    /// Emits {AliasUnlinked} for a replaced alias, then {AliasLinked}.
    function linkAlias(address account, bytes32 aliasCommitment) external;

    /// @notice Closes a wallet for good and unlinks its alias. The address can never be registered again.
    /// @param account The wallet address.
    /// @param reasonCode Why.
    ///
    /// Requirements:
    /// - the caller has REGISTRAR_ROLE;
    /// - the wallet is registered and not closed;
    /// - its balance is zero.
    ///
    /// Emits {AliasUnlinked} if an alias was linked, then {WalletClosed}.
    function closeWallet(address account, bytes32 reasonCode) external;

    // ----------------------------------------------------------------------------------------------------------
    // Compliance
    // ----------------------------------------------------------------------------------------------------------

    /// @notice Freezes an active wallet: it can neither send nor receive. Works while paused.
    /// @param account The wallet address.
    /// @param reasonCode Why.
    ///
    /// Requirements:
    /// - the caller has COMPLIANCE_ROLE;
    /// - the wallet is active (registered, not frozen, not closed).
    ///
    /// Emits {WalletFrozen}.
    function freezeWallet(address account, bytes32 reasonCode) external;

    /// @notice Unfreezes a frozen wallet. Works while paused.
    /// @param account The wallet address.
    /// @param reasonCode Why.
    ///
    /// Requirements:
    /// - the caller has COMPLIANCE_ROLE;
    /// - the wallet is frozen.
    ///
    /// Emits {WalletUnfrozen}.
    function unfreezeWallet(address account, bytes32 reasonCode) external;

    /// @notice Puts an address on the denylist (registered or not): it can neither send nor receive, and a later
    /// registration keeps the flag. Works while paused.
    /// @param account The address.
    /// @param reasonCode Why.
    ///
    /// Requirements:
    /// - the caller has COMPLIANCE_ROLE;
    /// - `account` is not zero and not already denylisted.
    ///
    /// Emits {WalletDenylisted}.
    function denylist(address account, bytes32 reasonCode) external;

    /// @notice Takes an address off the denylist.
    /// @param account The address.
    /// @param reasonCode Why.
    ///
    /// Requirements:
    /// - the caller has COMPLIANCE_ROLE;
    /// - `account` is denylisted.
    ///
    /// Emits {WalletDenylistCleared}.
    function removeFromDenylist(address account, bytes32 reasonCode) external;

    /// @notice Sets the limits of a KYC tier. Existing balances over a lowered `maxBalance` stay, but can only go
    /// down until they fit.
    /// @param tier The tier.
    /// @param maxBalance Maximum balance (`type(uint64).max` = unlimited).
    /// @param maxTransfer Maximum single outgoing transfer.
    /// @param dailyOutflow Maximum outflow per UTC day.
    ///
    /// Requirements:
    /// - the caller has COMPLIANCE_ROLE;
    /// - every limit is non-zero.
    ///
    /// Emits {TierLimitsSet}.
    function setTierLimits(uint8 tier, uint64 maxBalance, uint64 maxTransfer, uint64 dailyOutflow) external;

    // ----------------------------------------------------------------------------------------------------------
    // Views
    // ----------------------------------------------------------------------------------------------------------

    /// @notice The role id of the KYC desk: `keccak256("REGISTRAR_ROLE")`.
    /// @return The role id.
    function REGISTRAR_ROLE() external view returns (bytes32);

    /// @notice The role id of the compliance officer: `keccak256("COMPLIANCE_ROLE")`.
    /// @return The role id.
    function COMPLIANCE_ROLE() external view returns (bytes32);

    /// @notice A wallet's record; an address never registered returns `status == Unregistered`.
    /// @param account The wallet address.
    /// @return The record (today's outflow is reported as stored: compare `spentDay` with {currentDay}).
    function walletOf(address account) external view returns (Wallet memory);

    /// @notice The limits of a tier (all zero if not configured).
    /// @param tier The tier.
    /// @return The limits.
    function tierLimits(uint8 tier) external view returns (TierLimits memory);

    /// @notice How much more the wallet may send today under its tier's daily outflow limit.
    /// @param account The wallet address.
    /// @return Remaining outflow for the current UTC day (0 for an unregistered wallet or unconfigured tier).
    function remainingDailyOutflow(address account) external view returns (uint256);

    /// @notice The wallet an alias commitment is linked to.
    /// @param aliasCommitment The commitment.
    /// @return The wallet, or the zero address.
    function walletByAlias(bytes32 aliasCommitment) external view returns (address);

    /// @notice The current UTC day number, `block.timestamp / 1 days`.
    /// @return The day.
    function currentDay() external view returns (uint256);
}

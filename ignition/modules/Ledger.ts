import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { roles } from "@goods-ledger/sdk";

/**
 * Which Hardhat account index holds which role when the module runs with its defaults (docs/DESIGN.md §2).
 * The admin is always the deploying account (`m.getAccount(0)`, or Ignition's `defaultSender`), because it must
 * send the wiring calls; every other holder is a module parameter.
 */
export const DEFAULT_ROLE_ACCOUNTS = {
  admin: 0,
  pauser: 1,
  registrar: 2,
  compliance: 3,
  issuer: 4,
  custodian: 5,
  auditor: 6,
} as const;

/**
 * The default delay of a default-admin transfer on both contracts (OpenZeppelin AccessControlDefaultAdminRules:
 * `beginDefaultAdminTransfer`, wait this long, `acceptDefaultAdminTransfer`), in seconds: 2 days. A deployment
 * sets its own with the module parameter `adminDelay`.
 */
export const DEFAULT_ADMIN_DELAY = 2n * 86_400n;

/** Token units per whole token (6 decimals). */
const UNIT = 1_000_000n;
/** `type(uint64).max`: unlimited. */
export const UNLIMITED = 2n ** 64n - 1n;

/**
 * Tier limits in the spirit of the CBN's tiered KYC (tier 1 ₦300k balance, tier 2 ₦500k, tier 3 unlimited): tier 3
 * is for full KYC, agents, merchants and institutions. In token units (6 decimals). Set by the
 * COMPLIANCE_ROLE holder after deployment (`setTierLimits`); the module does not, because the compliance holder
 * is a parameter and Ignition can only send from its own accounts.
 */
export const DEFAULT_TIER_LIMITS = [
  { tier: 1, maxBalance: 300_000n * UNIT, maxTransfer: 50_000n * UNIT, dailyOutflow: 100_000n * UNIT },
  { tier: 2, maxBalance: 500_000n * UNIT, maxTransfer: 100_000n * UNIT, dailyOutflow: 200_000n * UNIT },
  { tier: 3, maxBalance: UNLIMITED, maxTransfer: UNLIMITED, dailyOutflow: UNLIMITED },
] as const;

/**
 * Deploys GoodsToken, whose constructor creates its ReserveRegistry (so each holds the other as an immutable: the
 * issue path reads no storage to find or authorize its partner), and grants every role of docs/DESIGN.md §2. The
 * admin gets DEFAULT_ADMIN_ROLE on both contracts from the constructor, governed by AccessControlDefaultAdminRules
 * (a two-step transfer with a delay; no one-call renounce of the last admin).
 *
 * Parameters (module "Ledger"): `name`, `symbol`, `adminDelay` (seconds, default {@link DEFAULT_ADMIN_DELAY}), and
 * the holder of each role (required): `pauser`, `registrar`,
 * `compliance`, `issuer` (token), `custodian`, `auditor` (reserve registry). test/fixtures.ts and
 * `goods-ledger deploy` on the local chain pass accounts 1–6 in that order (`DEFAULT_ROLE_ACCOUNTS`).
 *
 * @example
 * ```ts
 * const { token, reserveRegistry } = await connection.ignition.deploy(LedgerModule, {
 *   parameters: { Ledger: { pauser, registrar, compliance, issuer, custodian, auditor } },
 * });
 * ```
 */
const LedgerModule = buildModule("Ledger", (m) => {
  const admin = m.getAccount(DEFAULT_ROLE_ACCOUNTS.admin);
  const name = m.getParameter("name", "Goods Ledger Token");
  const symbol = m.getParameter("symbol", "GLT");
  const adminDelay = m.getParameter("adminDelay", DEFAULT_ADMIN_DELAY);
  // Required, without an account default: Ignition checks an account default against the connection's accounts
  // even when the parameter is given, which would stop a deploy from a single key to a remote chain.
  const holder = (role: Exclude<keyof typeof DEFAULT_ROLE_ACCOUNTS, "admin">) => m.getParameter<string>(role);

  const token = m.contract("GoodsToken", [name, symbol, admin, adminDelay]);
  const reserveRegistry = m.contractAt("ReserveRegistry", m.staticCall(token, "reserveRegistry"));

  m.call(token, "grantRole", [roles.PAUSER_ROLE, holder("pauser")], { id: "grantPauser" });
  m.call(token, "grantRole", [roles.REGISTRAR_ROLE, holder("registrar")], { id: "grantRegistrar" });
  m.call(token, "grantRole", [roles.COMPLIANCE_ROLE, holder("compliance")], { id: "grantCompliance" });
  m.call(token, "grantRole", [roles.ISSUER_ROLE, holder("issuer")], { id: "grantIssuer" });
  m.call(reserveRegistry, "grantRole", [roles.CUSTODIAN_ROLE, holder("custodian")], { id: "grantCustodian" });
  m.call(reserveRegistry, "grantRole", [roles.AUDITOR_ROLE, holder("auditor")], { id: "grantAuditor" });

  return { token, reserveRegistry };
});

export default LedgerModule;

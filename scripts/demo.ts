/**
 * `npm run demo`: the whole story of goods-ledger on an embedded local chain, in about half a minute.
 *
 * It starts Hardhat's EDR node inside this process on a free port (nothing is left running afterwards),
 * deploys through the Ignition module, and plays retail mobile money backed by goods in custody: two
 * custodians attest lots, two banks register an agent, a merchant and three people in two regions,
 * tokens are issued against a lot, cash-in, a person-to-person send, a merchant QR payment signed offline
 * and submitted by the merchant, a cash-out, a transfer blocked by a limit, a freeze and a redemption.
 *
 * The steps are a list ({@link demoSteps}); each gets the {@link DemoContext}. The indexer's step (index
 * the chain, print a trace and a lot provenance) goes at the end of that list.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseEther, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { sendTransaction, waitForTransactionReceipt } from "viem/actions";
import { toBytes32 } from "@goods-ledger/sdk";
import { decodeTlv, stripCrc, withCrc } from "@goods-ledger/sdk";
import { createLedgerClient, type LedgerClient } from "@goods-ledger/sdk";
import { lotId } from "@goods-ledger/sdk";
import { dayNumber, type RegistrableRole } from "@goods-ledger/sdk";
import type { DeploymentFile, RoleName } from "./lib/context.js";
import { deployLedger } from "./lib/deploy.js";
import { devAccounts } from "./lib/keystore.js";
import { startLocalChain } from "./lib/local-chain.js";
import { money, table } from "./lib/output.js";
import { formatAmount, TOKEN_DECIMALS } from "@goods-ledger/sdk";
import { reconcile } from "../src/indexer/reconcile.js";
import { SqliteStore } from "../src/indexer/store/sqlite.js";
import { Syncer } from "../src/indexer/sync.js";
import { loadModel } from "../src/trace/model.js";
import { provenance } from "../src/trace/provenance.js";
import { traceForward } from "../src/trace/trace.js";

/** Someone in the story: a name, what they are, and a client that signs as them. */
export interface Person {
  name: string;
  /** What they are, e.g. "agent, Amani Bank, Nairobi". */
  label: string;
  address: Address;
  client: LedgerClient<PrivateKeyAccount>;
}

/** What every step can use. */
export interface DemoContext {
  /** The chain's JSON-RPC URL. */
  rpcUrl: string;
  /** The deployment file's content, and where it was written (a temporary folder). */
  deployment: DeploymentFile;
  deploymentPath: string;
  /** A temporary folder for anything a step wants to keep until the end (e.g. an index database). */
  dataDir: string;
  /** The role holders of the deployment, signing as themselves. */
  roles: Record<RoleName, Person>;
  /** The people of the story, by key: agent, merchant, amina, baraka, chen, custodianB, bankBDesk. */
  people: Record<string, Person>;
  /** The lots, by label. */
  lots: Record<string, Hex>;
  /** The token's symbol. */
  symbol: string;
  /** Prints a line of the story. */
  say: (line?: string) => void;
}

/** One chapter of the story. */
export interface DemoStep {
  title: string;
  run(ctx: DemoContext): Promise<void>;
}

/** Regions and banks of the story (codes on chain, names for people). */
const REGION = { nairobi: 1, mombasa: 2 } as const;
const BANK = { amani: 1, pwani: 2 } as const;
const COFFEE = "WR-NBO-0001";
const MAIZE = "WR-MSA-0001";
const DAY = 86_400n;

const say = (line = "") => console.log(line);
const ok = (line: string) => say(`  ✓ ${line}`);

/** Sends a write and waits for it; the step reads as "what happened", the helper shows where it landed. */
async function done(person: Person, hash: Promise<Hex>): Promise<bigint> {
  return (await person.client.waitForTransaction({ hash: await hash })).blockNumber;
}

/** The story, in order. */
export const demoSteps: DemoStep[] = [
  {
    title: "The operator sets the rules: tier limits, a second custodian, a second bank's KYC desk",
    async run({ roles, people, symbol }) {
      const tiers = [
        { tier: 1, maxBalance: "1000", maxTransfer: "500", dailyOutflow: "200" },
        { tier: 2, maxBalance: "5000", maxTransfer: "2000", dailyOutflow: "3000" },
        { tier: 3, maxBalance: null, maxTransfer: null, dailyOutflow: null },
      ];
      for (const t of tiers) await done(roles.compliance, roles.compliance.client.setTierLimits(t));
      const show = (v: string | null) => (v === null ? "unlimited" : money(v, symbol));
      ok("compliance set the KYC tiers (like the CBN's tiered KYC):");
      for (const line of table([["    tier", "max balance", "max transfer", "per day"], ...tiers.map((t) => [`    ${t.tier}`, show(t.maxBalance), show(t.maxTransfer), show(t.dailyOutflow)])])) say(line);
      await done(roles.admin, roles.admin.client.grantRole({ role: "CUSTODIAN_ROLE", account: people.custodianB!.address }));
      ok(`admin granted CUSTODIAN_ROLE to ${people.custodianB!.label} (${people.custodianB!.address})`);
      await done(roles.admin, roles.admin.client.grantRole({ role: "REGISTRAR_ROLE", account: people.bankBDesk!.address }));
      ok(`admin granted REGISTRAR_ROLE to ${people.bankBDesk!.label} (${people.bankBDesk!.address})`);
    },
  },
  {
    title: "Two custodians attest goods lots",
    async run({ roles, people, lots, symbol }) {
      const now = BigInt(Math.floor(Date.now() / 1000));
      const hash = (text: string) => lotId(`attestation document ${text}`);
      await done(
        roles.custodian,
        roles.custodian.client.attestLot({
          lot: lots[COFFEE]!, classCode: "COFFEE-AA", quantity: 1_200n, unit: "BAG60KG", valuation: "100000", location: "NBO-WH-07",
          attestationHash: hash(COFFEE), attestationURI: "ipfs://attestations/wr-nbo-0001", expiresAt: now + 365n * DAY,
        }),
      );
      ok(`${roles.custodian.label} attested ${COFFEE}: 1,200 bags (60 kg) of AA coffee, valued ${money("100000", symbol)}, for a year`);
      await done(
        people.custodianB!,
        people.custodianB!.client.attestLot({
          lot: lots[MAIZE]!, classCode: "MAIZE-W1", quantity: 500_000n, unit: "kg", valuation: "60000", location: "MSA-BW-02",
          attestationHash: hash(MAIZE), attestationURI: "ipfs://attestations/wr-msa-0001", expiresAt: now + 180n * DAY,
        }),
      );
      ok(`${people.custodianB!.label} attested ${MAIZE}: 500,000 kg of white maize, valued ${money("60000", symbol)}, for 180 days`);
    },
  },
  {
    title: "Two banks register wallets: an agent, a merchant and three people in two regions",
    async run({ roles, people }) {
      const kycExpiryDay = dayNumber(new Date()) + 365;
      const registration = (p: Person, role: RegistrableRole, tier: number, region: number, institution: number) => ({ account: p.address, role, tier, region, institution, kycExpiryDay });
      const amani = [
        registration(roles.issuer, "institution", 3, REGION.nairobi, BANK.amani),
        registration(people.agent!, "agent", 3, REGION.nairobi, BANK.amani),
        registration(people.amina!, "individual", 1, REGION.nairobi, BANK.amani),
      ];
      const pwani = [
        registration(people.merchant!, "merchant", 3, REGION.mombasa, BANK.pwani),
        registration(people.baraka!, "individual", 2, REGION.mombasa, BANK.pwani),
        registration(people.chen!, "individual", 1, REGION.nairobi, BANK.pwani),
      ];
      await done(roles.registrar, roles.registrar.client.registerWallets({ wallets: amani }));
      await done(people.bankBDesk!, people.bankBDesk!.client.registerWallets({ wallets: pwani }));
      const everyone = [roles.issuer, people.agent!, people.amina!, people.merchant!, people.baraka!, people.chen!];
      const rows = [...amani, ...pwani].map((r, i) => [
        `    ${everyone[i]!.name}`,
        r.role,
        `tier ${r.tier}`,
        r.region === REGION.nairobi ? "Nairobi" : "Mombasa",
        r.institution === BANK.amani ? "Amani Bank" : "Pwani Bank",
      ]);
      ok("registered in one batch per bank (each registration is one storage slot, under 60k gas):");
      for (const line of table(rows)) say(line);
    },
  },
  {
    title: "Issuance against the lots",
    async run({ roles, people, lots, symbol }) {
      await done(roles.issuer, roles.issuer.client.issue({ lot: lots[COFFEE]!, to: people.agent!.address, amount: "5000", reference: "FLOAT-KAMAU-001" }));
      ok(`Amani Bank issued ${money("5000", symbol)} against ${COFFEE} to ${people.agent!.name}'s float`);
      await done(roles.issuer, roles.issuer.client.issue({ lot: lots[MAIZE]!, to: roles.issuer.address, amount: "2000", reference: "TREASURY-001" }));
      ok(`Amani Bank issued ${money("2000", symbol)} against ${MAIZE} to its own treasury`);
      const coffee = await roles.issuer.client.getLot({ lot: lots[COFFEE]! });
      ok(`${COFFEE}: issued ${money(coffee.issued, symbol)} of ${money(coffee.valuation, symbol)}; the lot caps what can ever be issued against it`);
    },
  },
  {
    title: "Cash-in at the agent, and a person-to-person send",
    async run({ people, symbol }) {
      const { agent, amina, baraka } = people as Required<typeof people>;
      await done(agent, agent.client.transfer({ to: amina.address, amount: "300" }));
      ok(`Amina hands ${agent.name} 300 in cash; the agent sends her ${money("300", symbol)}`);
      await done(amina, amina.client.transfer({ to: baraka.address, amount: "40", reference: toBytes32("RENT-SHARE-NOV", "reference") }));
      ok(`Amina (Amani Bank, Nairobi) sends ${money("40", symbol)} to Baraka (Pwani Bank, Mombasa), reference RENT-SHARE-NOV`);
    },
  },
  {
    title: "A merchant QR payment, signed offline by the payer and submitted by the merchant",
    async run({ people, symbol }) {
      const { merchant, baraka, amina } = people as Required<typeof people>;
      const { payload, requestId, reference } = merchant.client.createPaymentRequest({
        merchant: merchant.address, amount: "25.50", expiresAt: BigInt(Math.floor(Date.now() / 1000) + 900), merchantName: "Mama Njeri Shop", merchantCity: "Mombasa", countryCode: "KE",
      });
      ok(`${merchant.name} shows a QR code for ${money("25.50", symbol)} (EMVCo payload, ${payload.length} characters, CRC ${payload.slice(-4)})`);
      ok(`it carries request id ${requestId.slice(0, 10)}… and the reference paymentReference(payee, 25.50, requestId) = ${reference!.slice(0, 10)}…, which binds the amount on chain`);
      const request = await baraka.client.parsePaymentRequest({ payload });
      ok(`Baraka's app decodes it and shows what he commits to: pay ${money(request.amount!, symbol)} to "${request.merchantName}", ${request.merchantCity}; on chain a registered ${request.merchantRole}, ${request.merchantStatus}`);
      const authorization = await baraka.client.signPayment({ request });
      ok(`Baraka signs a PaymentAuthorization of ${money(formatAmount(authorization.value, TOKEN_DECIMALS), symbol)} offline (EIP-712; nonce = the reference); nothing is sent`);
      await done(merchant, merchant.client.submitPayment({ authorization }));
      ok(`${merchant.name} submits it (payWithAuthorization): paid ${money("25.50", symbol)}; Baraka's balance is now ${money(await baraka.client.getBalance({ account: baraka.address }), symbol)}`);
      const refused = async (what: string, attempt: () => Promise<unknown>) => {
        const blockBefore = await merchant.client.request({ method: "eth_blockNumber" });
        const error = await attempt().then(
          () => undefined,
          (e: unknown) => e as { name?: string; shortMessage?: string },
        );
        if (error === undefined) throw new Error(`${what} went through, but it must be refused`);
        if ((await merchant.client.request({ method: "eth_blockNumber" })) !== blockBefore) throw new Error(`${what} was refused, but something was sent`);
        ok(`${what} is refused, nothing sent: ${error.name}: ${error.shortMessage}`);
      };
      await refused("submitting the same payment again", () => merchant.client.submitPayment({ authorization }));
      await refused("Amina paying the same request too", async () => merchant.client.submitPayment({ authorization: await amina.client.signPayment({ request }) }));
      // Bad input: a payload whose amount was edited (its CRC recomputed, so only the binding can tell).
      const altered = withCrc(
        decodeTlv(stripCrc(merchant.client.createPaymentRequest({ merchant: merchant.address, amount: "2.50", expiresAt: BigInt(Math.floor(Date.now() / 1000) + 900), merchantName: "Mama Njeri Shop", merchantCity: "Mombasa", countryCode: "KE" }).payload))
          .map((f) => (f.tag === "54" ? `540525.00` : `${f.tag}${String(f.value.length).padStart(2, "0")}${f.value}`))
          .join(""),
      );
      await refused("a request for 2.50 whose amount was changed to 25.00", () => amina.client.parsePaymentRequest({ payload: altered }));
      const open = merchant.client.createPaymentRequest({ merchant: merchant.address, expiresAt: BigInt(Math.floor(Date.now() / 1000) + 900), merchantName: "Mama Njeri Shop" });
      await refused("a 0-value payment of an open request", async () => amina.client.signPayment({ request: await amina.client.parsePaymentRequest({ payload: open.payload }), amount: "0" }));
    },
  },
  {
    title: "Cash-out at the agent",
    async run({ people, symbol }) {
      const { agent, baraka } = people as Required<typeof people>;
      await done(baraka, baraka.client.transfer({ to: agent.address, amount: "10" }));
      ok(`Baraka sends ${money("10", symbol)} to ${agent.name} and takes 10 in cash`);
    },
  },
  {
    title: "A transfer over a limit is refused before anything is sent",
    async run({ people, symbol }) {
      const { amina, chen } = people as Required<typeof people>;
      const left = await amina.client.getLimitLeftToday({ account: amina.address });
      ok(`Amina (tier 1) has spent ${money(left.spentToday, symbol)} today; ${money(left.leftToday ?? "0", symbol)} of her daily limit is left`);
      const check = await amina.client.checkTransfer({ from: amina.address, to: chen.address, amount: "200" });
      if (check.ok) throw new Error("an over-limit transfer passed the pre-check");
      ok(`she tries to send ${money("200", symbol)} to Chen: blocked by ${check.rule}: ${check.message}`);
    },
  },
  {
    title: "A freeze",
    async run({ roles, people, symbol }) {
      const { amina, chen } = people as Required<typeof people>;
      await done(roles.compliance, roles.compliance.client.freezeWallet({ account: chen.address, reasonCode: "SANCTIONS_HIT" }));
      ok(`compliance freezes Chen's wallet, reason SANCTIONS_HIT (a screening hit: "without delay", FATF R.6)`);
      const check = await amina.client.checkTransfer({ from: amina.address, to: chen.address, amount: "20" });
      if (check.ok) throw new Error("a transfer to a frozen wallet passed the pre-check");
      ok(`Amina's ${money("20", symbol)} to Chen is now refused: ${check.message}`);
    },
  },
  {
    title: "Redemption: the agent settles its float, the bank redeems against the lot and goods are released",
    async run({ roles, people, lots, symbol }) {
      const { agent } = people as Required<typeof people>;
      await done(agent, agent.client.transfer({ to: roles.issuer.address, amount: "1000", reference: toBytes32("FLOAT-RETURN-001", "reference") }));
      ok(`${agent.name} returns ${money("1000", symbol)} of float to Amani Bank's treasury for cash`);
      await done(roles.issuer, roles.issuer.client.redeem({ lot: lots[COFFEE]!, amount: "1000", reference: "DELIVERY-0042" }));
      const releases = await roles.issuer.client.getGoodsReleaseCount();
      const coffee = await roles.issuer.client.getLot({ lot: lots[COFFEE]! });
      ok(`Amani Bank redeems ${money("1000", symbol)} against ${COFFEE}: goods release #${releases} written`);
      ok(`${COFFEE} now: issued ${money(coffee.issued, symbol)}, redeemed ${money(coffee.redeemed, symbol)}, outstanding ${money(coffee.outstanding, symbol)}`);
    },
  },
  {
    title: "Where everything stands",
    async run({ roles, people, symbol }) {
      const client = roles.issuer.client;
      const everyone = [roles.issuer, ...["agent", "merchant", "amina", "baraka", "chen"].map((k) => people[k]!)];
      const rows = await Promise.all(
        everyone.map(async (p) => {
          const w = await client.getWallet({ account: p.address });
          return [`    ${p.name}`, p.label, money(w.balance, symbol), w.status];
        }),
      );
      for (const line of table([["    wallet", "who", "balance", "status"], ...rows])) say(line);
      const [supply, reserves] = await Promise.all([client.getTotalSupply(), client.getValidReserves()]);
      ok(`total supply ${money(supply, symbol)} ≤ valid reserves ${money(reserves, symbol)}: every token is backed by goods in custody`);
    },
  },
  // ── The indexer's step (issue 5; src/indexer and src/trace) ──
  {
    title: "The analyst indexes the chain, traces the agent's float and ties balances back to the goods lots",
    async run({ rpcUrl, deployment, dataDir, roles, people, lots, symbol }) {
      const store = new SqliteStore(join(dataDir, "index", "index.sqlite"));
      try {
        const target = { rpcUrl, chainId: deployment.chainId, token: deployment.contracts.token, reserveRegistry: deployment.contracts.reserveRegistry, startBlock: deployment.startBlock };
        const syncer = new Syncer(store, target);
        const report = await syncer.syncOnce();
        const check = await reconcile(store, syncer.rpc, target.token);
        ok(`indexed blocks ${report.fromBlock}–${report.toBlock}: ${report.transfers} transfers and ${report.events} registry and reserve events into SQLite`);
        ok(`reconciled: ${check.wallets} wallets and the total supply match balanceOf and totalSupply${check.ok ? "" : " — NOT: differences found"}`);
        const model = await loadModel(store);
        const names = new Map<string, string>([...Object.values(roles), ...Object.values(people)].map((p) => [p.address.toLowerCase(), p.name]));
        const lotNames = new Map(Object.entries(lots).map(([label, id]) => [id.toLowerCase(), label]));
        const who = (a: string) => names.get(a) ?? (/^0x0{40}$/.test(a) ? "(burn)" : `${a.slice(0, 8)}…`);
        const fmt = (v: bigint) => money(formatAmount(v, TOKEN_DECIMALS), symbol);
        const agent = people.agent!;
        const trace = traceForward(model, { wallet: agent.address }, { hops: 3 });
        ok(`trace forward from ${agent.name}, 3 hops, time-respecting: ${trace.edges.length} transfers`);
        for (const e of trace.edges) say(`      hop ${e.hop}  ${who(e.from)} → ${who(e.to)}  ${fmt(e.amount)}  ${e.kind}${e.reference ? ", with a reference" : ""}`);
        for (const holder of [people.merchant!, roles.issuer]) {
          const prov = provenance(model, holder.address, { policy: "fifo" });
          const parts = prov.lots.map((l) => `${(l.share * 100).toFixed(1)}% ${lotNames.get(l.lot ?? "") ?? l.lot ?? "no lot"}`).join(", ");
          ok(`lot provenance of ${holder.name}'s ${fmt(prov.balance)} (FIFO): ${parts || "nothing held"}${prov.flows.redeemed > 0n ? ` (after redeeming ${fmt(prov.flows.redeemed)} against its lot)` : ""}`);
        }
      } finally {
        await store.close();
      }
    },
  },
];

/**
 * Runs the story: embedded chain, deploy, every step, then stops the chain and removes the temporary files.
 *
 * @param steps - The steps to play (default: all of {@link demoSteps}).
 */
export async function runDemo(steps: DemoStep[] = demoSteps): Promise<void> {
  const started = Date.now();
  const tmp = mkdtempSync(join(tmpdir(), "goods-ledger-demo-"));
  say("goods-ledger demo: a goods-backed digital currency for retail mobile money, on an embedded local chain\n");
  const chain = await startLocalChain({ port: 0 });
  try {
    say(`── 1. Start the chain ──`);
    ok(`Hardhat EDR node in this process on ${chain.url} (chain id 31337, in memory)`);
    say();
    say(`── 2. Deploy ──`);
    const dev = devAccounts();
    const { deployment, path } = await deployLedger({
      network: "demo",
      rpcUrl: chain.url,
      deployerKey: dev[0]!.privateKey,
      parameters: { pauser: dev[1]!.address, registrar: dev[2]!.address, compliance: dev[3]!.address, issuer: dev[4]!.address, custodian: dev[5]!.address, auditor: dev[6]!.address },
      deploymentsDir: join(tmp, "deployments"),
      ignitionDir: join(tmp, "ignition"),
    });
    ok(`Ignition module deployed GoodsToken ${deployment.contracts.token} (with the wallet registry inside) and ReserveRegistry ${deployment.contracts.reserveRegistry}, from block ${deployment.startBlock}`);
    ok("each role has its own key: the admin cannot issue, the issuer cannot freeze, compliance cannot issue");
    const ctx = await storyContext(chain.url, deployment, path, tmp);
    say();
    for (const [i, step] of steps.entries()) {
      say(`── ${i + 3}. ${step.title} ──`);
      await step.run(ctx);
      say();
    }
    say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s; the chain is stopped and nothing is left running.`);
  } finally {
    await chain.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Makes the people of the story (fresh keys, funded with gas) and the role holders' clients. */
async function storyContext(rpcUrl: string, deployment: DeploymentFile, deploymentPath: string, dataDir: string): Promise<DemoContext> {
  const dev = devAccounts();
  const person = (name: string, label: string, key: Hex): Person => {
    const account = privateKeyToAccount(key);
    return { name, label, address: account.address, client: createLedgerClient({ deployment, rpcUrl, account }) };
  };
  const roleLabels: Record<RoleName, string> = {
    admin: "operator (admin)",
    pauser: "pauser",
    registrar: "Amani Bank KYC desk",
    compliance: "compliance officer",
    issuer: "Amani Bank treasury (issuer)",
    custodian: "Nairobi Coffee Warehouse (custodian)",
    auditor: "reserve auditor",
  };
  const roles = Object.fromEntries(
    (Object.keys(roleLabels) as RoleName[]).map((role) => {
      const key = dev.find((d) => d.address === deployment.roles[role])!.privateKey;
      return [role, person(role === "issuer" ? "Amani treasury" : roleLabels[role], roleLabels[role], key)];
    }),
  ) as Record<RoleName, Person>;
  const people: Record<string, Person> = {
    agent: person("Kamau Agency", "agent, Amani Bank, Nairobi", generatePrivateKey()),
    merchant: person("Mama Njeri Shop", "merchant, Pwani Bank, Mombasa", generatePrivateKey()),
    amina: person("Amina", "tier 1, Amani Bank, Nairobi", generatePrivateKey()),
    baraka: person("Baraka", "tier 2, Pwani Bank, Mombasa", generatePrivateKey()),
    chen: person("Chen", "tier 1, Pwani Bank, Nairobi", generatePrivateKey()),
    custodianB: person("Mombasa Bonded Warehouse", "Mombasa Bonded Warehouse (custodian)", generatePrivateKey()),
    bankBDesk: person("Pwani Bank KYC desk", "Pwani Bank KYC desk", generatePrivateKey()),
  };
  // Gas for the new keys: the local chain charges it; the consortium's Besu network runs with free gas.
  const funder = roles.admin.client;
  for (const p of Object.values(people)) {
    const hash = await sendTransaction(funder, { account: funder.account, chain: funder.chain, to: p.address, value: parseEther("1") });
    await waitForTransactionReceipt(funder, { hash });
  }
  const { symbol } = await funder.getTokenMetadata();
  return { rpcUrl, deployment, deploymentPath, dataDir, roles, people, lots: { [COFFEE]: lotId(COFFEE), [MAIZE]: lotId(MAIZE) }, symbol, say };
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  runDemo().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`demo failed: ${(error as { shortMessage?: string }).shortMessage ?? (error as Error).message}`);
      console.error(error);
      process.exit(1);
    },
  );
}

/**
 * `goods-ledger wallet register|import|show|freeze|unfreeze|tier|close|recover`: the wallet registry.
 */
import type { Command } from "commander";
import type { Address } from "viem";
import { getLimitLeftToday, getTokenMetadata, getWallet, type RegistrableRole } from "@goods-ledger/sdk";
import type { CliContext } from "../lib/context.js";
import { CliError, ExitCode } from "../lib/errors.js";
import { importWallets } from "../lib/wallet-import.js";
import { withRetry } from "../lib/retry.js";
import { officerCommand } from "../lib/officer.js";
import { examples, fromOption, reasonOption } from "../lib/options.js";
import { money, table } from "../lib/output.js";
import { formatDay, parseAddress, parseCode, parseDay, parseExistingFile, parseInteger } from "../lib/validate.js";
import { parseInstitution, parseRegion, parseTier, parseWalletRole } from "../lib/wallet-csv.js";

/** Registers `wallet` and its subcommands. */
export function register(program: Command, ctx: CliContext): void {
  const wallet = program.command("wallet").description("register wallets and manage their status, tier and recovery");

  wallet
    .command("register")
    .description("register one wallet (registrar)")
    .argument("<address>", "the wallet", parseAddress)
    .requiredOption("--role <role>", "individual, agent, merchant or institution", parseWalletRole)
    .requiredOption("--tier <n>", "KYC tier (a configured one, e.g. 1–3)", parseTier)
    .requiredOption("--region <code>", "region code (0–65535)", parseRegion)
    .requiredOption("--institution <id>", "institution id of the registering bank (0–65535)", parseInstitution)
    .requiredOption("--kyc-expiry <date>", "first UTC day the wallet may no longer move value (YYYY-MM-DD)", parseDay)
    .addOption(fromOption("registrar"))
    .addHelpText("after", examples("wallet register 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --role individual --tier 1 --region 11 --institution 1 --kyc-expiry 2027-12-31"))
    .action(async (account: Address, o: { role: RegistrableRole; tier: number; region: number; institution: number; kycExpiry: number; from?: string }) => {
      const { client } = await ctx.writer(o.from, "registrar");
      const registration = { account, role: o.role, tier: o.tier, region: o.region, institution: o.institution, kycExpiryDay: o.kycExpiry };
      const sent = await ctx.confirm(client, await client.registerWallet(registration));
      ctx.out.result(
        { ...registration, kycExpiry: formatDay(o.kycExpiry), ...sent },
        `registered ${account}: ${o.role}, tier ${o.tier}, region ${o.region}, institution ${o.institution}, KYC until ${formatDay(o.kycExpiry)} (tx ${sent.tx}, block ${sent.block})`,
      );
    });

  wallet
    .command("import")
    .description("register the wallets of a CSV file in batches, with progress and a resumable checkpoint (registrar)")
    .argument("<file>", "CSV with columns address,role,tier,region,institution,kyc_expiry", parseExistingFile)
    .option("--batch-size <n>", "wallets per transaction", parseInteger("batch size", 1, 500), 100)
    .option("--checkpoint <file>", "checkpoint file (default: <file>.checkpoint.json)")
    .option("--restart", "ignore an existing checkpoint")
    .option("--skip-invalid", "register the good rows even if some are bad (exit code 2 when some were rejected)")
    .option("--retry-for <seconds>", "while the node is unreachable, retry for this long (a line per retry), then stop", parseInteger("--retry-for", 0, 86_400), 120)
    .addOption(fromOption("registrar"))
    .addHelpText(
      "after",
      `
Every row is checked before anything is sent: each bad row is named by line and field, and by default
nothing is sent (all or nothing). With --skip-invalid the good rows go through and the bad ones are listed.
After a crash or a failed batch, run the same command again: it resumes from the checkpoint, checks every
checkpointed batch and every row on chain (a batch the chain lost in a crash is sent again), and wallets
already registered with the same record count as done. The report counts what is on chain at the end; a row
that is not there fails the command, named.
${examples("wallet import wallets.csv", "wallet import wallets.csv --batch-size 200 --skip-invalid --json")}

wallets.csv:
  address,role,tier,region,institution,kyc_expiry
  0x70997970C51812dc3A010C7d01b50e0d17dc79C8,individual,1,11,1,2027-12-31`,
    )
    .action(async (file: string, o: { batchSize: number; checkpoint?: string; restart?: boolean; skipInvalid?: boolean; retryFor: number; from?: string }) => {
      // A bulk command waits for a node that is down (a line per retry), from its first request on.
      await withRetry("checking the deployment on the node", () => ctx.verifyDeployment(), { retryFor: o.retryFor, report: (line) => ctx.out.warn(line) });
      const { client } = await ctx.writer(o.from, "registrar");
      const result = await importWallets(ctx, client, file, { ...o, progress: !ctx.out.quiet });
      ctx.out.result(result, [
        `${file}: ${result.onChain} wallets registered on chain (read back): ${result.registered} by this run in ${result.batches.length} transactions, ${result.alreadyDone} already there; ${new Set(result.rejected.map((r) => r.line)).size} rows rejected`,
        `checkpoint: ${result.checkpoint}`,
      ]);
      if (result.rejected.length > 0) process.exitCode = ExitCode.partial;
    });

  wallet
    .command("show")
    .description("a wallet's record, balance and what it may still send today")
    .argument("<address>", "the wallet", parseAddress)
    .addHelpText("after", examples("wallet show 0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "wallet show 0x7099…79C8 --json"))
    .action(async (account: Address) => {
      const [record, limits, { symbol }] = await ctx.read((client) =>
        Promise.all([getWallet(client, { account }), getLimitLeftToday(client, { account }), getTokenMetadata(client)]),
      );
      if (record.status === "unregistered") {
        throw new CliError(`${account} is not a registered wallet${record.denylisted ? " (it is denylisted)" : ""}`, {
          code: "unknown-wallet",
          details: { wallet: { ...record, kycExpiry: null } },
        });
      }
      const unlimited = (v: string | null) => (v === null ? "unlimited" : money(v, symbol));
      ctx.out.result(
        { wallet: { ...record, kycExpiry: record.kycExpiryDay ? formatDay(record.kycExpiryDay) : null }, today: limits, symbol },
        [
              `wallet ${account}`,
              ...table([
                ["  status", `${record.status}${record.denylisted ? ", DENYLISTED" : ""}`],
                ["  role", `${record.role}, KYC tier ${record.tier}`],
                ["  region", `${record.region}, institution ${record.institution}`],
                ["  KYC until", formatDay(record.kycExpiryDay)],
                ["  balance", money(record.balance, symbol)],
                ["  today", `spent ${money(limits.spentToday, symbol)}; ${unlimited(limits.leftToday)} left of the daily limit`],
                ["  per transfer", unlimited(limits.maxTransfer)],
                ["  can send now", money(limits.sendable, symbol)],
                ...(record.aliasCommitment ? [["  alias", record.aliasCommitment]] : []),
              ]),
            ],
      );
    });

  const subject = { name: "account", description: "the wallet", parse: parseAddress };
  officerCommand(wallet, ctx, {
    verb: "freeze",
    description: "freeze a wallet: it can neither send nor receive (compliance)",
    role: "compliance",
    subject,
    example: "wallet freeze 0x7099…79C8 --reason SANCTIONS_HIT",
    send: (client, account, reasonCode) => client.freezeWallet({ account, reasonCode }),
  });
  officerCommand(wallet, ctx, {
    verb: "unfreeze",
    description: "unfreeze a frozen wallet (compliance)",
    role: "compliance",
    subject,
    example: "wallet unfreeze 0x7099…79C8 --reason CLEARED",
    send: (client, account, reasonCode) => client.unfreezeWallet({ account, reasonCode }),
  });
  officerCommand(wallet, ctx, {
    verb: "close",
    description: "close a wallet for good; its balance must be zero (registrar)",
    role: "registrar",
    subject,
    example: "wallet close 0x7099…79C8 --reason CUSTOMER_REQUEST",
    send: (client, account, reasonCode) => client.closeWallet({ account, reasonCode }),
  });

  wallet
    .command("tier")
    .description("move a wallet to another KYC tier, keeping the rest of its record (registrar)")
    .argument("<address>", "the wallet", parseAddress)
    .argument("<tier>", "the new KYC tier", parseTier)
    .addOption(reasonOption().default("TIER_CHANGE"))
    .addOption(fromOption("registrar"))
    .addHelpText("after", examples("wallet tier 0x7099…79C8 2 --reason KYC_UPGRADE"))
    .action(async (account: Address, tier: number, o: { reason: string; from?: string }) => {
      const { client } = await ctx.writer(o.from, "registrar");
      const record = await client.getWallet({ account });
      if (record.role === "none") throw new CliError(`${account} is not registered`, { code: "WalletRegistryWalletNotRegistered" });
      const sent = await ctx.confirm(
        client,
        await client.updateWallet({ ...record, role: record.role, tier, reasonCode: o.reason }),
      );
      ctx.out.result({ account, tier, previousTier: record.tier, reason: o.reason, ...sent }, `${account}: tier ${record.tier} → ${tier} (tx ${sent.tx}, block ${sent.block})`);
    });

  wallet
    .command("recover")
    .description("move a lost wallet's balance, record and alias to a new address and close the lost one (compliance)")
    .argument("<lost>", "the lost wallet", parseAddress)
    .argument("<replacement>", "its new address (never registered)", parseAddress)
    .addOption(reasonOption())
    .requiredOption("--legal-ref <code>", "reference of the supporting document (≤ 31 characters, or its 32-byte hash)", parseCode("legal reference"))
    .addOption(fromOption("compliance"))
    .addHelpText("after", examples("wallet recover 0xLOST… 0xNEW… --reason LOST_PHONE --legal-ref AFFIDAVIT-2026-114"))
    .action(async (lost: Address, replacement: Address, o: { reason: string; legalRef: string; from?: string }) => {
      const { client } = await ctx.writer(o.from, "compliance");
      const sent = await ctx.confirm(client, await client.recoverWallet({ lost, replacement, reasonCode: o.reason, legalRef: o.legalRef }));
      ctx.out.result({ lost, replacement, reason: o.reason, legalRef: o.legalRef, ...sent }, `recovered ${lost} → ${replacement}; ${lost} is closed (tx ${sent.tx}, block ${sent.block})`);
    });
}

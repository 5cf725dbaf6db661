/**
 * `goods-ledger chain`: the embedded local chain on 127.0.0.1 (chain id 31337).
 */
import type { Command } from "commander";
import type { CliContext } from "../lib/context.js";
import { DEV_ACCOUNT_COUNT, LOCAL_CHAIN_ID, devAccounts } from "../lib/keystore.js";
import { CliError } from "../lib/errors.js";
import { HISTORY_BLOCKS, STATE_INTERVAL_S, startLocalChain } from "../lib/local-chain.js";
import { table } from "../lib/output.js";
import { parseInteger } from "../lib/validate.js";

/** Registers `chain`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("chain")
    .description("start the local chain on 127.0.0.1 (chain id 31337) and keep it running until Ctrl-C")
    .option("-p, --port <port>", "port; 0 picks a free one", parseInteger("port", 0, 65535), 8545)
    .option("--data-dir <dir>", "keep the chain's state in this folder across restarts (anvil --state); default: in memory (Hardhat EDR)")
    .option("--block-time <seconds>", "with --data-dir: seconds between blocks (0 = mine each transaction at once)", parseInteger("block time", 0, 60), 1)
    .option("--keep-transactions <blocks>", "with --data-dir: keep transactions, receipts and logs of only the last N blocks (older blocks keep their headers), so they stop growing the memory and each save; default: all", parseInteger("--keep-transactions", 1, 100_000_000))
    .addHelpText(
      "after",
      `
Examples:
  $ goods-ledger chain                         # Hardhat EDR in memory on http://127.0.0.1:8545
  $ goods-ledger chain --port 0 --json         # a free port; prints {"url": …} once it is listening
  $ goods-ledger chain --data-dir .data/chain  # persistent (anvil): stop and start again, the deployment stays valid
  $ goods-ledger chain --data-dir .data/chain --block-time 0   # persistent, a block per transaction
  $ goods-ledger chain --data-dir .data/chain --keep-transactions 3600   # logs of the last hour only

With --data-dir the state is saved every ${STATE_INTERVAL_S} s and on exit; after a crash the chain restarts from the
last save and says how many blocks were lost. The folder is locked: one chain at a time. Reads may name any of
the last ${HISTORY_BLOCKS} blocks. Without --keep-transactions anvil keeps every transaction, receipt and log in memory
and in each save, so both grow with the history; with it, eth_getLogs and receipts of older blocks come back empty
(index them before they age out). Either way anvil 1.7.1 grows by about one copy of the chain's state per block
(its state history, even for empty blocks): for a run of days, stop and start the chain from its folder now and
then.

The ${DEV_ACCOUNT_COUNT} funded accounts use Hardhat's well-known dev keys: public, accepted by the CLI only on chain ${LOCAL_CHAIN_ID}.`,
    )
    .action(async (options: { port: number; dataDir?: string; blockTime: number; keepTransactions?: number }) => {
      if (options.keepTransactions !== undefined && options.dataDir === undefined) throw new CliError("--keep-transactions needs --data-dir (the in-memory chain keeps every block)", { code: "invalid-input" });
      const chain = await startLocalChain({ port: options.port, dataDir: options.dataDir, blockTime: options.blockTime, keepTransactions: options.keepTransactions });
      const accounts = devAccounts().map((a, index) => ({ index, address: a.address }));
      const lost = chain.resumed?.lostBlocks ?? 0;
      if (lost > 0) {
        ctx.out.warn(
          `the chain went back: it had reached block ${chain.resumed!.lastSeenBlock}, but its last saved state is block ${chain.resumed!.restoredBlock} (it stopped without saving: a crash or SIGKILL). Blocks ${chain.resumed!.restoredBlock + 1}–${chain.resumed!.lastSeenBlock} and their transactions are lost: send them again (\`wallet import\` re-checks its batches on chain when rerun)`,
        );
      }
      ctx.out.result(
        {
          url: chain.url, chainId: LOCAL_CHAIN_ID, engine: chain.engine, stateFile: chain.stateFile ?? null,
          pid: process.pid, nodePid: chain.nodePid ?? null, resumed: chain.resumed ?? null, devAccounts: accounts,
        },
        [
          `local chain listening on ${chain.url} (chain id ${LOCAL_CHAIN_ID})`,
          chain.engine === "anvil"
            ? `engine: anvil, state kept in ${chain.stateFile} (saved every ${STATE_INTERVAL_S} s and on exit), a block every ${options.blockTime || "transaction"}${options.blockTime ? " s" : ""}${chain.resumed ? `; resumed at block ${chain.resumed.restoredBlock}` : ""}`
            : "engine: Hardhat EDR, state in memory (lost on exit; use --data-dir to keep it)",
          "",
          `dev accounts (well-known public keys; use them with --from dev:<n>, only on chain ${LOCAL_CHAIN_ID}):`,
          ...table(accounts.map((a) => [`  #${a.index}`, a.address])),
          "",
          "Ctrl-C to stop.",
        ],
      );
      const stop = () => void chain.close();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      process.once("SIGHUP", stop);
      await chain.closed;
      ctx.out.note("local chain stopped");
    });
}

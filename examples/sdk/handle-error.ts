/** Handle an error: every contract rule is a named error class with its arguments; RPC failures say if a retry is safe. */
import { createLedgerClient, LedgerError, RpcError, TransferLimitExceededError } from "@goods-ledger/sdk";
import { account, clientAs, deployment } from "./env.js";

const alice = clientAs("ALICE");
try {
  await alice.transfer({ to: account("SHOP").address, amount: "60000" });
} catch (error) {
  if (error instanceof TransferLimitExceededError) {
    console.log(`${error.name}: ${error.shortMessage}`);
    console.log(`the limit is ${error.args.maxTransfer} base units on tier ${error.args.tier}`);
  } else throw error;
}

try {
  await alice.transfer({ to: account("SHOP").address, amount: "-5" });
} catch (error) {
  if (error instanceof LedgerError) console.log(`${error.name}: ${error.shortMessage}`); // refused before sending
}

const offline = createLedgerClient({ deployment, rpcUrl: "http://127.0.0.1:9" });
try {
  await offline.getBalance({ account: account("ALICE").address });
} catch (error) {
  if (error instanceof RpcError) console.log(`${error.name}: retry is ${error.retryable ? "safe" : "not safe"}`);
}

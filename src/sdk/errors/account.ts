import { LedgerError } from "./base.js";

/**
 * A write action was called on a client created without an account.
 *
 * @example
 * ```ts
 * createLedgerClient({ deployment, rpcUrl }).transfer({ to, amount: "1" }); // throws AccountRequiredError
 * ```
 */
export class AccountRequiredError extends LedgerError {
  override name = "AccountRequiredError";
  constructor() {
    super("this action sends a transaction: create the client with an account");
  }
}

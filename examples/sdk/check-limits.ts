/** Check limits: how much the customer may still send today, and whether a given transfer would pass. */
import { account, clientAs } from "./env.js";

const alice = clientAs("ALICE");
const me = account("ALICE").address;
const shop = account("SHOP").address;

const limits = await alice.getLimitLeftToday({ account: me });
console.log(`left today: ${limits.leftToday ?? "unlimited"}, per transfer: ${limits.maxTransfer ?? "unlimited"}, sendable now: ${limits.sendable}`);

for (const amount of ["5", "60000"]) {
  const check = await alice.checkTransfer({ from: me, to: shop, amount }); // simulates only: sends nothing
  console.log(check.ok ? `${amount}: would pass` : `${amount}: blocked by ${check.rule}: ${check.message}`);
}

/** Send: the customer pays the shop, then sends a few payments at once without waiting for each receipt. */
import { account, clientAs } from "./env.js";

const alice = clientAs("ALICE");
const shop = account("SHOP").address;

const hash = await alice.transfer({ to: shop, amount: "12.50" });
const receipt = await alice.waitForTransaction({ hash });
console.log(`sent 12.50 in block ${receipt.blockNumber}`);

const outcomes = await alice.sendTransfers({
  transfers: [
    { to: shop, amount: "1" },
    { to: shop, amount: "2" },
    { to: shop, amount: "3" },
  ],
});
for (const o of outcomes) console.log(`payment ${o.index}: ${o.status} (nonce ${o.nonce})`);
console.log(`shop holds ${await alice.getBalance({ account: shop })}`);

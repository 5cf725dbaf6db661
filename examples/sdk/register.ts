/** Register: the KYC desk registers a customer and a shop (and compliance sets the tier limits they need). */
import { dayNumber } from "@goods-ledger/sdk";
import { account, clientAs } from "./env.js";

const compliance = clientAs("COMPLIANCE");
for (const [tier, limits] of [
  [1, { maxBalance: "300000", maxTransfer: "50000", dailyOutflow: "100000" }],
  [3, { maxBalance: null, maxTransfer: null, dailyOutflow: null }],
] as const) {
  if (!(await compliance.getTierLimits({ tier })).configured) {
    await compliance.waitForTransaction({ hash: await compliance.setTierLimits({ tier, ...limits }) });
  }
}

const registrar = clientAs("REGISTRAR");
const kycExpiryDay = dayNumber(new Date()) + 365;
for (const [name, role, tier] of [["ALICE", "individual", 1], ["SHOP", "merchant", 3]] as const) {
  const wallet = account(name).address;
  if ((await registrar.getWallet({ account: wallet })).status === "unregistered") {
    const hash = await registrar.registerWallet({ account: wallet, role, tier, region: 254, institution: 1, kycExpiryDay });
    await registrar.waitForTransaction({ hash });
  }
  const record = await registrar.getWallet({ account: wallet });
  console.log(`${name.toLowerCase()}: ${record.status} ${record.role}, tier ${record.tier}`);
}

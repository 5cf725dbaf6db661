/** Issue: a custodian attests a goods lot, and the issuer issues tokens against it to the customer. */
import { keccak256, stringToHex } from "viem";
import { lotId } from "@goods-ledger/sdk";
import { account, clientAs } from "./env.js";

const custodian = clientAs("CUSTODIAN");
const label = `WR-${Date.now()}`;
const lot = lotId(label);
const attest = await custodian.attestLot({
  lot,
  classCode: "MAIZE",
  quantity: 20_000n,
  unit: "kg",
  valuation: "50000",
  location: "KE-NBO-WH1",
  attestationHash: keccak256(stringToHex(`warehouse receipt ${label}`)),
  attestationURI: `ipfs://receipts/${label}`,
  expiresAt: BigInt(Math.floor(Date.now() / 1000) + 180 * 86_400),
});
await custodian.waitForTransaction({ hash: attest });

const issuer = clientAs("ISSUER");
const alice = account("ALICE").address;
await issuer.waitForTransaction({ hash: await issuer.issue({ lot, to: alice, amount: "1000", reference: "CASH-IN-0001" }) });

const { issued, valuation } = await issuer.getLot({ lot });
console.log(`lot ${label}: ${issued} of ${valuation} issued`);
console.log(`alice holds ${await issuer.getBalance({ account: alice })}`);

import { expect } from "chai";
import { network } from "hardhat";
import { bytesToHex, custom, type Address, type TransactionSerializable } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { privateKeyToWasmAccount } from "../../src/sdk/accounts/wasm.js";
import { createLedgerClient } from "../../src/sdk/index.js";
import { devAccount, sdkLedgerLoader } from "./helpers.js";

const connection = await network.create();
const load = sdkLedgerLoader(connection);

/** A deterministic pseudo-random generator, so a failure is reproducible. */
function random(seed: number) {
  let x = seed;
  return () => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31), x / 2 ** 31);
}

describe("sdk WebAssembly signer (privateKeyToWasmAccount)", function () {
  it("signs transactions byte-for-byte as viem's privateKeyToAccount does", async function () {
    const next = random(7);
    const bytes = (n: number) => bytesToHex(Uint8Array.from({ length: n }, () => Math.floor(next() * 256)));
    for (let i = 0; i < 100; i++) {
      const key = bytes(32);
      const [wasm, viem] = [privateKeyToWasmAccount(key), privateKeyToAccount(key)];
      expect(wasm.address).to.equal(viem.address);
      const common = { chainId: 1 + Math.floor(next() * 100_000), nonce: Math.floor(next() * 1e6), gas: BigInt(21_000 + Math.floor(next() * 1e6)), to: bytes(20) as Address, data: bytes(68), value: BigInt(Math.floor(next() * 1e9)) };
      const transactions: TransactionSerializable[] = [
        { ...common, type: "eip1559", maxFeePerGas: BigInt(Math.floor(next() * 1e11)), maxPriorityFeePerGas: BigInt(Math.floor(next() * 1e9)) },
        { ...common, type: "legacy", gasPrice: BigInt(Math.floor(next() * 1e11)) },
      ];
      for (const transaction of transactions) {
        expect(await wasm.signTransaction(transaction), `${transaction.type} #${i}`).to.equal(await viem.signTransaction(transaction));
      }
    }
  });

  it("drives sendTransfers on the ledger", async function () {
    const l = await load();
    const key = bytesToHex(devAccount(l.issuer.address).getHdKey().privateKey!);
    const transport = custom(connection.provider, { retryCount: 0 });
    const client = createLedgerClient({ deployment: l.deployment, transport, account: privateKeyToWasmAccount(key), pollingInterval: 20 });
    const before = await client.getBalance({ account: l.addresses.merchant });
    const outcomes = await client.sendTransfers({ transfers: Array.from({ length: 30 }, () => ({ to: l.addresses.merchant, amount: "1" })) });
    expect(outcomes.every((o) => o.status === "success")).to.equal(true);
    expect(Number(await client.getBalance({ account: l.addresses.merchant })) - Number(before)).to.equal(30);
  });
});

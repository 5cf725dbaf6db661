import { expect } from "chai";
import { network } from "hardhat";
import { bytesToHex, custom, type Address, type TransactionSerializable } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { privateKeyToWasmAccount } from "@goods-ledger/sdk/accounts/wasm";
import { createLedgerClient } from "@goods-ledger/sdk";
import { devAccount, sdkLedgerLoader } from "./helpers.js";

const connection = await network.create();
const load = sdkLedgerLoader(connection);

/** A deterministic pseudo-random generator, so a failure is reproducible. */
function random(seed: number) {
  let x = seed;
  return () => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31), x / 2 ** 31);
}

describe("sdk WebAssembly signer (privateKeyToWasmAccount)", function () {
  it("signs and serializes transactions byte-for-byte as viem's privateKeyToAccount does", async function () {
    const next = random(7);
    const bytes = (n: number) => bytesToHex(Uint8Array.from({ length: n }, () => Math.floor(next() * 256)));
    const int = (max: number) => BigInt(Math.floor(next() * max));
    // Edge cases of the hand-written RLP: zero and one-byte values, empty, one-byte and long data.
    const datas = ["0x", "0x00", "0x7f", "0x80", bytes(55), bytes(56), bytes(68), bytes(1_000)] as const;
    for (let i = 0; i < 300; i++) {
      const key = bytes(32);
      const [wasm, viem] = [privateKeyToWasmAccount(key), privateKeyToAccount(key)];
      expect(wasm.address).to.equal(viem.address);
      const common = {
        chainId: [1, 31337, 2 ** 40][i % 3]!,
        nonce: [0, 1, 127, 128, Number(int(1e9))][i % 5]!,
        gas: [0n, 21_000n, int(1e7)][i % 3]!,
        to: bytes(20) as Address,
        data: datas[i % datas.length]!,
        value: [0n, 1n, 255n, int(2 ** 48) * int(2 ** 48)][i % 4]!,
      };
      const transactions: TransactionSerializable[] = [
        { ...common, type: "eip1559", maxFeePerGas: int(1e12), maxPriorityFeePerGas: int(1e9) },
        { ...common, type: "legacy", gasPrice: int(1e12) },
      ];
      for (const transaction of transactions) {
        expect(await wasm.signTransaction(transaction), `${transaction.type} #${i}`).to.equal(await viem.signTransaction(transaction));
      }
    }
  });

  it("leaves other transaction shapes to viem's signer, with the same result", async function () {
    const key = bytesToHex(new Uint8Array(32).fill(9));
    const [wasm, viem] = [privateKeyToWasmAccount(key), privateKeyToAccount(key)];
    const withAccessList: TransactionSerializable = {
      chainId: 1, type: "eip2930", nonce: 3, gas: 50_000n, gasPrice: 10n, to: wasm.address, data: "0x",
      accessList: [{ address: wasm.address, storageKeys: [`0x${"00".repeat(31)}01`] }],
    };
    expect(await wasm.signTransaction(withAccessList)).to.equal(await viem.signTransaction(withAccessList));
    expect(await wasm.signMessage({ message: "hello" })).to.equal(await viem.signMessage({ message: "hello" }));
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

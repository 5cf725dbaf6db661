/**
 * A local account that signs transactions with libsecp256k1 compiled to WebAssembly (the `tiny-secp256k1`
 * package), about three times faster than viem's pure-JavaScript signer. For back ends that sign thousands of
 * transactions (`sendTransfers`): there, signing is most of the client's CPU time.
 *
 * Not re-exported by `src/sdk/index.ts`: it loads a WebAssembly module, which Node does by itself but a browser
 * bundle needs a bundler with WebAssembly ESM support for. Import it from this file.
 */
import { bytesToHex, hexToBytes, keccak256, serializeTransaction, type Hex, type LocalAccount, type TransactionSerializable } from "viem";
import { privateKeyToAccount, toAccount } from "viem/accounts";
import { signRecoverable } from "tiny-secp256k1";

/**
 * Creates a local account from a private key whose `signTransaction` uses libsecp256k1 (WebAssembly).
 * Signatures are byte-identical to `privateKeyToAccount`'s (both use RFC 6979 deterministic nonces with low
 * s); messages, typed data and blob transactions are signed by viem's signer.
 *
 * @param privateKey - the 32-byte private key.
 * @returns a viem local account.
 * @example
 * ```ts
 * import { privateKeyToWasmAccount } from "./src/sdk/accounts/wasm.js";
 * const bank = createLedgerClient({ deployment, rpcUrl, account: privateKeyToWasmAccount(key) });
 * await bank.sendTransfers({ transfers: payroll });
 * ```
 */
export function privateKeyToWasmAccount(privateKey: Hex): LocalAccount<"privateKey"> {
  const base = privateKeyToAccount(privateKey);
  const key = hexToBytes(privateKey);
  const account = toAccount({
    address: base.address,
    nonceManager: base.nonceManager,
    sign: base.sign,
    signAuthorization: base.signAuthorization,
    signMessage: base.signMessage,
    signTypedData: base.signTypedData,
    async signTransaction(transaction, options) {
      // Blob transactions hash without their sidecars: leave those to viem's signer.
      if (transaction.type === "eip4844") return base.signTransaction(transaction, options);
      const serializer = options?.serializer ?? serializeTransaction;
      const hash = hexToBytes(keccak256(await serializer(transaction as TransactionSerializable)));
      const { signature, recoveryId } = signRecoverable(hash, key);
      const yParity = recoveryId as 0 | 1;
      return serializer(transaction as TransactionSerializable, {
        r: bytesToHex(signature.subarray(0, 32)),
        s: bytesToHex(signature.subarray(32, 64)),
        yParity,
        v: BigInt(27 + yParity),
      });
    },
  });
  return { ...account, publicKey: base.publicKey, source: "privateKey" };
}

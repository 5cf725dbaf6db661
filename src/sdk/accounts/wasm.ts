/**
 * A local account that signs transactions with libsecp256k1 compiled to WebAssembly (the `tiny-secp256k1`
 * package) and serializes the common transaction types with a small RLP encoder: about three times faster
 * than viem's signer. For back ends that sign thousands of transactions (`sendTransfers`), where signing is
 * most of the client's CPU time.
 *
 * Not re-exported by `src/sdk/index.ts`: it loads a WebAssembly module, which Node does by itself but a browser
 * bundle needs a bundler with WebAssembly ESM support for. Import it from this file.
 */
import { hexToBytes, keccak256, type Hex, type LocalAccount, type TransactionSerializable } from "viem";
import { privateKeyToAccount, toAccount } from "viem/accounts";
import { signRecoverable } from "tiny-secp256k1";

/**
 * Creates a local account from a private key whose `signTransaction` uses libsecp256k1 (WebAssembly).
 * Signatures and serialized transactions are byte-identical to `privateKeyToAccount`'s (both sign with RFC 6979
 * deterministic nonces and low s); messages, typed data and transaction types other than EIP-1559 and legacy
 * (or with access lists, blobs or authorizations) go through viem's signer.
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
      const fields = options?.serializer ? undefined : plainFields(transaction as TransactionSerializable);
      if (!fields) return base.signTransaction(transaction, options);
      const { signature, recoveryId } = signRecoverable(hexToBytes(keccak256(fields.unsigned)), key);
      return fields.signed(recoveryId, rlpBytes(signature.subarray(0, 32)), rlpBytes(signature.subarray(32, 64)));
    },
  });
  return { ...account, publicKey: base.publicKey, source: "privateKey" };
}

type PlainFields = {
  /** What is hashed and signed. */
  unsigned: Hex;
  /** The serialized signed transaction, from the recovery id and the RLP items of r and s. */
  signed: (yParity: number, r: string, s: string) => Hex;
};

/**
 * RLP items of an EIP-1559 or legacy (EIP-155) transaction with nothing but the common fields, or undefined for
 * anything else (which viem's serializer then handles).
 */
function plainFields(tx: TransactionSerializable): PlainFields | undefined {
  const extra = ["accessList", "authorizationList", "blobVersionedHashes", "sidecars", "maxFeePerBlobGas"] as const;
  if (extra.some((field) => field in tx && (tx as Record<string, unknown>)[field] !== undefined && !(field === "accessList" && (tx.accessList?.length ?? 0) === 0))) return undefined;
  if (tx.chainId === undefined || tx.to === undefined || tx.to === null) return undefined;
  const chainId = BigInt(tx.chainId);
  const common = [rlpInt(BigInt(tx.nonce ?? 0))];
  const tail = [rlpInt(tx.gas ?? 0n), rlpHex(tx.to.toLowerCase() as Hex), rlpInt(tx.value ?? 0n), rlpHex(tx.data ?? "0x")];
  if (tx.type === "eip1559" || (tx.type === undefined && tx.maxFeePerGas !== undefined)) {
    const items = [rlpInt(chainId), ...common, rlpInt(tx.maxPriorityFeePerGas ?? 0n), rlpInt(tx.maxFeePerGas ?? 0n), ...tail, "c0"];
    return {
      unsigned: `0x02${rlpList(items)}`,
      signed: (yParity, r, s) => `0x02${rlpList([...items, rlpInt(BigInt(yParity)), r, s])}`,
    };
  }
  if (tx.type === "legacy" || (tx.type === undefined && tx.gasPrice !== undefined)) {
    const items = [...common, rlpInt(tx.gasPrice ?? 0n), ...tail];
    return {
      unsigned: `0x${rlpList([...items, rlpInt(chainId), "80", "80"])}`,
      signed: (yParity, r, s) => `0x${rlpList([...items, rlpInt(chainId * 2n + 35n + BigInt(yParity)), r, s])}`,
    };
  }
  return undefined;
}

/** RLP of a byte string given as hex (no 0x). */
function rlpString(hex: string): string {
  const length = hex.length / 2;
  if (length === 1 && parseInt(hex, 16) < 0x80) return hex;
  return rlpLength(length, 0x80) + hex;
}

function rlpHex(value: Hex): string {
  return rlpString(value.slice(2));
}

/** RLP of an unsigned integer: minimal big-endian bytes, zero as the empty string. */
function rlpInt(value: bigint): string {
  if (value === 0n) return "80";
  const hex = value.toString(16);
  return rlpString(hex.length % 2 ? `0${hex}` : hex);
}

/** RLP of a signature scalar: minimal bytes, like an integer. */
function rlpBytes(bytes: Uint8Array): string {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  let hex = "";
  for (let i = start; i < bytes.length; i++) hex += bytes[i]!.toString(16).padStart(2, "0");
  return hex === "" ? "80" : rlpString(hex);
}

function rlpList(items: string[]): string {
  const payload = items.join("");
  return rlpLength(payload.length / 2, 0xc0) + payload;
}

function rlpLength(length: number, offset: number): string {
  if (length <= 55) return (offset + length).toString(16);
  let hex = length.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return (offset + 55 + hex.length / 2).toString(16) + hex;
}

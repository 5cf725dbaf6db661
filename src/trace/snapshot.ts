/**
 * The trace model's snapshot on disk, so a restart does not rebuild the model from the store's rows
 * (docs/TRACE.md, "Model and snapshot").
 *
 * Format `goods-ledger-model/1`: the 4 bytes `GLMS`, a 32-bit little-endian header length, the header (JSON:
 * format, tip block, hash and time, the store's deployment, counts, and the byte length of every section), then
 * the sections, each starting on an 8-byte boundary: the columns (little-endian typed arrays, the used part
 * only), the adjacency, the wallet addresses (20 bytes each), and one JSON section with the sparse values (amounts
 * ≥ 2^64, references), the lots and the registry events. Written to a temporary file, flushed and renamed over
 * the old one, so a crash leaves either the old snapshot or the new one.
 *
 * Valid for a store when the store holds the snapshot's tip block with the same hash and indexes the same
 * deployment: the rows beyond the tip are then appended; on a reorg below the tip the model is rolled back to the
 * newest recent tip the store still holds; otherwise the snapshot is ignored and the model rebuilt from the rows.
 */
import { closeSync, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Store } from "../indexer/store/store.js";
import type { Address, Hex, LedgerEventRow } from "../indexer/types.js";
import { appendFromStore, csrTargetFor, HashFile, liveBuilder, storedHash, loadModel, makeColumns, modelCounters, ModelBuilder, type ModelColumns, type TraceModel } from "./model.js";

/** The snapshot format this code writes and reads. */
export const SNAPSHOT_FORMAT = "goods-ledger-model/1";
const MAGIC = "GLMS";
/** The snapshot's file name beside a SQLite index. */
export const SNAPSHOT_FILE = "trace-model.snapshot";

/** Where the snapshot of a store lives by default: beside a SQLite index file; none for PostgreSQL (give --snapshot). */
export function defaultSnapshotPath(store: Store): string | null {
  return store.kind === "sqlite" && store.location !== ":memory:" ? join(dirname(store.location), SNAPSHOT_FILE) : null;
}

interface Header {
  format: string;
  tip: TraceModel["tip"];
  deployment: string | null;
  size: number;
  selfSize: number;
  timesSize: number;
  wallets: number;
  recent: { block: number; hash: Hex }[];
  sections: { name: string; bytes: number }[];
}

const COLUMN_NAMES = ["from", "to", "amountLo", "amountHi", "block", "time", "txIndex", "logIndex", "kind", "lot", "txHashes", "selfSeq", "timesBlock", "timesTime", "walletBlock"] as const;
const CSR_NAMES = ["outStart", "outSeq", "inStart", "inSeq"] as const;
const CHUNK = 1 << 28;
const pad8 = (n: number) => (8 - (n % 8)) % 8;

/** Items of each column a snapshot holds. */
function columnItems(h: Pick<Header, "size" | "selfSize" | "timesSize" | "wallets">, name: (typeof COLUMN_NAMES)[number]): number {
  if (name === "selfSeq") return h.selfSize;
  if (name === "timesBlock" || name === "timesTime") return h.timesSize;
  if (name === "walletBlock") return h.wallets;
  return h.size;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, Math.min(CHUNK, bytes.length - off));
}

function readAll(fd: number, into: Uint8Array, position: number): void {
  for (let off = 0; off < into.length; ) {
    const n = readSync(fd, into, off, Math.min(CHUNK, into.length - off), position + off);
    if (n === 0) throw new RangeError(`snapshot: the file ends early`);
    off += n;
  }
}

/**
 * Writes the snapshot of a live model (crash-safe: temporary file, fsync, rename).
 * @param model - a model handed out by a {@link ModelBuilder} (loadModel, buildModel, extendModel, loadWithSnapshot).
 * @param path - the snapshot file.
 * @param deployment - the store's `deployment` metadata (a snapshot is valid only for the same deployment).
 * @returns the bytes written.
 */
export function writeSnapshot(model: TraceModel, path: string, deployment: string | null): number {
  const builder = liveBuilder(model);
  if (builder === null) throw new RangeError("snapshot: the model is not the current view of a live model");
  const s = builder.state();
  const h0 = { size: s.size, selfSize: s.selfSize, timesSize: s.timesSize, wallets: s.address.length };
  const parts: { name: string; bytes: Uint8Array | ((fd: number) => void); length: number }[] = [];
  for (const name of COLUMN_NAMES) {
    const col = builder.columns[name];
    if (name === "txHashes") {
      // The hashes in the model's hash file (copied in chunks, never all resident), then those in memory.
      const file = s.hashFile;
      const inFile = file === null ? 0 : Math.min(file.count, s.size);
      const memory = new Uint8Array(col.buffer, 0, (s.size - s.hashBase) * 32);
      parts.push({
        name, length: inFile * 32 + memory.length,
        bytes: (fd) => {
          const chunk = new Uint8Array(Math.min(inFile, 1 << 15) * 32);
          for (let seq = 0; seq < inFile; seq += chunk.length / 32) {
            const n = Math.min(chunk.length / 32, inFile - seq);
            file!.read(seq, n, chunk);
            writeAll(fd, chunk.subarray(0, n * 32));
          }
          writeAll(fd, memory);
        },
      });
      continue;
    }
    const items = columnItems(h0, name);
    const bytes = new Uint8Array(col.buffer, 0, items * col.width * col.all.BYTES_PER_ELEMENT);
    parts.push({ name, bytes, length: bytes.length });
  }
  for (const name of CSR_NAMES) {
    const a = s.csr![name];
    parts.push({ name, bytes: new Uint8Array(a.buffer, a.byteOffset, a.byteLength), length: a.byteLength });
  }
  const addresses = new Uint8Array(s.address.length * 20);
  s.address.forEach((a, i) => addresses.set(Buffer.from(a.slice(2), "hex"), i * 20));
  parts.push({ name: "addresses", bytes: addresses, length: addresses.length });
  const extra = {
    lots: s.lots, lotBlock: s.lotBlock,
    wide: [...s.wide].map(([k, v]) => [k, v.toString()]), refs: [...s.refs],
    events: s.events,
  };
  const extraBytes = new TextEncoder().encode(JSON.stringify(extra));
  parts.push({ name: "extra", bytes: extraBytes, length: extraBytes.length });
  const header: Header = {
    format: SNAPSHOT_FORMAT, tip: s.tip, deployment, ...h0, recent: [...s.recent],
    sections: parts.map((p) => ({ name: p.name, bytes: p.length })),
  };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new Uint8Array(8 + head.length + pad8(8 + head.length));
  prefix.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(prefix.buffer).setUint32(4, head.length, true);
  prefix.set(head, 8);
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  let total = 0;
  let hashesAt = 0;
  try {
    writeAll(fd, prefix);
    total += prefix.length;
    for (const p of parts) {
      if (p.name === "txHashes") hashesAt = total;
      if (typeof p.bytes === "function") p.bytes(fd);
      else writeAll(fd, p.bytes);
      const zeros = new Uint8Array(pad8(p.length));
      writeAll(fd, zeros);
      total += p.length + zeros.length;
    }
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(tmp, path);
  // From now on the model reads the hashes it holds from this snapshot (docs/TRACE.md, L1).
  builder.useHashFile(new HashFile(path, hashesAt, s.size));
  try {
    const dir = openSync(dirname(path), "r");
    fsyncSync(dir);
    closeSync(dir);
  } catch {
    // Some file systems refuse to fsync a directory: the rename is still atomic.
  }
  return total;
}

/**
 * Reads a snapshot into a live model (no store needed).
 * @throws RangeError when the file is not a snapshot of this format.
 */
export function readSnapshot(path: string): { model: TraceModel; deployment: string | null } {
  const fd = openSync(path, "r");
  try {
    const pre = new Uint8Array(8);
    readAll(fd, pre, 0);
    if (new TextDecoder().decode(pre.subarray(0, 4)) !== MAGIC) throw new RangeError(`snapshot: ${path} is not a trace model snapshot`);
    const len = new DataView(pre.buffer).getUint32(4, true);
    const headBytes = new Uint8Array(len);
    readAll(fd, headBytes, 8);
    const h = JSON.parse(new TextDecoder().decode(headBytes)) as Header;
    if (h.format !== SNAPSHOT_FORMAT) throw new RangeError(`snapshot: ${path} has format ${h.format}, this code reads ${SNAPSHOT_FORMAT}`);
    let pos = 8 + len + pad8(8 + len);
    const at = new Map<string, { pos: number; bytes: number }>();
    for (const s of h.sections) {
      at.set(s.name, { pos, bytes: s.bytes });
      pos += s.bytes + pad8(s.bytes);
    }
    const section = (name: string) => {
      const s = at.get(name);
      if (s === undefined) throw new RangeError(`snapshot: ${path} has no ${name} section`);
      return s;
    };
    const columns: ModelColumns = makeColumns(h.size);
    const hashes = section("txHashes");
    if (hashes.bytes !== h.size * 32) throw new RangeError(`snapshot: ${path} holds ${hashes.bytes / 32} transaction hashes for ${h.size} transfers`);
    const hashFile = new HashFile(path, hashes.pos, h.size);
    for (const name of COLUMN_NAMES) {
      if (name === "txHashes") continue; // read from the file when a result needs one (docs/TRACE.md, L1)
      const col = columns[name];
      const items = columnItems(h, name);
      const s = section(name);
      // Room for the next blocks without growing at once (address space only until written).
      col.ensure(items + Math.max(1024, Math.ceil(items / 16)));
      readAll(fd, new Uint8Array(col.buffer, 0, s.bytes), s.pos);
    }
    // The adjacency, read into the columns the live model appends into (it then alternates between them and one
    // more pair, L3), with room to grow in place.
    const csrColumns = {
      out: csrTargetFor(h.wallets, section("outSeq").bytes / 4),
      in: csrTargetFor(h.wallets, section("inSeq").bytes / 4),
    };
    const csr = Object.fromEntries(CSR_NAMES.map((name) => {
      const s = section(name);
      const target = csrColumns[name.startsWith("out") ? "out" : "in"];
      const a = name.endsWith("Start") ? target.start.view(s.bytes / 4) : target.list.view(s.bytes / 4);
      readAll(fd, new Uint8Array(a.buffer, 0, s.bytes), s.pos);
      return [name, a];
    })) as Record<(typeof CSR_NAMES)[number], Int32Array>;
    const addrSection = section("addresses");
    const raw = Buffer.alloc(addrSection.bytes);
    readAll(fd, raw, addrSection.pos);
    const address: Address[] = new Array<Address>(h.wallets);
    for (let i = 0; i < h.wallets; i++) address[i] = `0x${raw.toString("hex", i * 20, i * 20 + 20)}` as Address;
    const extraSection = section("extra");
    const extraBytes = new Uint8Array(extraSection.bytes);
    readAll(fd, extraBytes, extraSection.pos);
    const extra = JSON.parse(new TextDecoder().decode(extraBytes)) as {
      lots: Hex[]; lotBlock: number[]; wide: [number, string][]; refs: [number, Hex][]; events: LedgerEventRow[];
    };
    const builder = ModelBuilder.restore(columns, {
      hashFile, size: h.size, selfSize: h.selfSize, timesSize: h.timesSize, tip: h.tip, recent: h.recent, address,
      lots: extra.lots, lotBlock: extra.lotBlock, wide: new Map(extra.wide.map(([k, v]) => [k, BigInt(v)])), refs: new Map(extra.refs),
      events: extra.events, csr: { ...csr, size: h.size }, csrColumns,
    });
    modelCounters.snapshotLoads++;
    return { model: builder.reseal(h.tip), deployment: h.deployment };
  } finally {
    closeSync(fd);
  }
}

/** How {@link loadWithSnapshot} got its model. */
export type SnapshotOutcome = "snapshot" | "snapshot-rolled-back" | "rebuilt-no-snapshot" | "rebuilt-unusable" | "rebuilt-other-deployment" | "rebuilt-fork";

/**
 * The live model of a store, from its snapshot when one is there and valid (then only the rows after the
 * snapshot's tip are read), else rebuilt from the store's rows.
 * @param store - the index.
 * @param path - the snapshot file (null: no snapshot, rebuild).
 * @param options.onProgress - rows read so far while rebuilding.
 * @returns the model and how it was obtained (with the reason when the snapshot was not used).
 */
export async function loadWithSnapshot(store: Store, path: string | null, options: { onProgress?: (transfers: number) => void } = {}): Promise<{ model: TraceModel; outcome: SnapshotOutcome; reason?: string }> {
  const rebuild = async (outcome: SnapshotOutcome, reason?: string) => ({ model: await loadModel(store, { onProgress: options.onProgress }), outcome, reason });
  if (path === null || !existsSync(path)) return rebuild("rebuilt-no-snapshot");
  let read: ReturnType<typeof readSnapshot>;
  try {
    read = readSnapshot(path);
  } catch (error) {
    return rebuild("rebuilt-unusable", (error as Error).message);
  }
  const deployment = await store.getMeta("deployment");
  if (read.deployment !== deployment) return rebuild("rebuilt-other-deployment", `the snapshot is of another deployment than ${store.location}`);
  const { extendModel } = await import("./model.js");
  const position = await store.position();
  if (position === null) return rebuild("rebuilt-unusable", "the store is empty");
  const hash = await storedHash(store, read.model.tip.block);
  const builder = liveBuilder(read.model)!;
  if (hash !== null && hash === read.model.tip.hash && position.block >= read.model.tip.block) {
    return { model: position.block === read.model.tip.block ? read.model : await appendFromStore(builder, store, position.block), outcome: "snapshot" };
  }
  const builds = modelCounters.builds;
  const model = await extendModel(read.model, store);
  if (modelCounters.builds > builds) return { model, outcome: "rebuilt-fork", reason: `the store no longer holds block ${read.model.tip.block} with the snapshot's hash` };
  return { model, outcome: "snapshot-rolled-back" };
}

/**
 * A full garbage collection once enough of the live model's old adjacency is waiting for one.
 *
 * Each append hands out a view with an adjacency of its own (docs/TRACE.md L3): the previous view's arrays (8
 * bytes a transfer, ~0.8 MB a block at 100,000 transfers) become garbage once no query holds it. They are
 * ArrayBuffers outside the JavaScript heap, which V8 frees only at a full collection; it schedules one by the
 * heap's growth, which these small view objects hardly move. Measured: a 100,000-transfer model appended a block
 * at a time let about 400 MB of dead adjacency pile up between two collections (resident memory swinging
 * between 250 and 620 MB every ~500 blocks). So once {@link COLLECT_EVERY_BYTES} of old adjacency has been left
 * behind, this asks V8 for a full collection (tens of ms on a model of that size, every ~80 blocks there).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Old adjacency left behind between two collections. */
export const COLLECT_EVERY_BYTES = 64 * 2 ** 20;

let gc: (() => void) | null | undefined;
let pending = 0;
/** Full collections asked for so far (tests read it). */
export const collections = { count: 0 };

/** V8's `gc` (exposed for a new context when the flag is set), or null where that is not possible. */
function collector(): (() => void) | null {
  if (gc !== undefined) return gc;
  try {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (typeof exposed === "function") return (gc = exposed);
    setFlagsFromString("--expose-gc");
    const fn = runInNewContext("gc") as unknown;
    gc = typeof fn === "function" ? (fn as () => void) : null;
  } catch {
    gc = null;
  }
  return gc;
}

/** Records `bytes` of old adjacency left to the collector; collects once {@link COLLECT_EVERY_BYTES} have piled up. */
export function leftBehind(bytes: number): void {
  pending += bytes;
  if (pending < COLLECT_EVERY_BYTES) return;
  pending = 0;
  const fn = collector();
  if (fn === null) return;
  fn();
  collections.count++;
}

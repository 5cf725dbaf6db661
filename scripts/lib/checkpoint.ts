/**
 * The resumable checkpoint of a bulk import: which CSV lines are already on chain, batch by batch, with
 * the transaction that registered them. Written atomically (temp file + rename) after every confirmed
 * batch, so a crash loses at most the batch in flight, which the importer re-checks on chain on resume.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Address, Hex } from "viem";
import { CliError } from "./errors.js";

/** What the checkpoint is bound to: a resumed import must match all three. */
export interface CheckpointKey {
  /** sha256 of the CSV file's bytes. */
  csvSha256: string;
  chainId: number;
  /** The wallet registry the rows go to. */
  registry: Address;
}

/** A confirmed batch. */
export interface CheckpointBatch {
  /** CSV line numbers registered by this batch. */
  lines: number[];
  tx: Hex;
  block: string;
}

interface CheckpointData extends CheckpointKey {
  version: 1;
  batches: CheckpointBatch[];
}

/** sha256 of a file's bytes, hex. */
export function fileSha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** A checkpoint file for one import. */
export class Checkpoint {
  private constructor(
    readonly path: string,
    private data: CheckpointData,
    /** True when an earlier run's progress was loaded. */
    readonly resumed: boolean,
  ) {}

  /**
   * Opens the checkpoint at `path`, or starts a new one.
   *
   * @param restart - Ignore (and overwrite) an existing checkpoint.
   * @throws CliError when the file belongs to another CSV, chain or registry.
   */
  static open(path: string, key: CheckpointKey, restart = false): Checkpoint {
    if (!restart && existsSync(path)) {
      let data: CheckpointData;
      try {
        data = JSON.parse(readFileSync(path, "utf8")) as CheckpointData;
      } catch (error) {
        throw new CliError(`checkpoint ${path} is not valid JSON; remove it or pass --restart`, { code: "bad-checkpoint", cause: error });
      }
      for (const field of ["csvSha256", "chainId", "registry"] as const) {
        if (String(data[field]).toLowerCase() !== String(key[field]).toLowerCase()) {
          throw new CliError(
            `checkpoint ${path} belongs to another import (its ${field} is ${data[field]}, this one's is ${key[field]}); remove it or pass --restart`,
            { code: "checkpoint-mismatch" },
          );
        }
      }
      return new Checkpoint(path, data, data.batches.length > 0);
    }
    return new Checkpoint(path, { version: 1, ...key, batches: [] }, false);
  }

  /** The CSV lines already registered. */
  doneLines(): Set<number> {
    return new Set(this.data.batches.flatMap((b) => b.lines));
  }

  /** The confirmed batches, oldest first. */
  batches(): readonly CheckpointBatch[] {
    return this.data.batches;
  }

  /** Records a confirmed batch and writes the file atomically. */
  record(batch: CheckpointBatch): void {
    this.data.batches.push(batch);
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.data, null, 1)}\n`);
    renameSync(tmp, this.path);
  }
}

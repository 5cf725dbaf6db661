/**
 * The `--metrics-port` / `--metrics-host` options of `serve` and `index --follow`: Prometheus metrics, /healthz
 * and /readyz on a port of their own (README, "Running around the clock").
 */
import { Option, type Command } from "commander";
import { serveMetrics, type LedgerMetrics, type MetricsEndpoint } from "../../src/indexer/metrics.js";
import { CliError } from "./errors.js";
import { parseInteger } from "./validate.js";

/** Options the two commands share. */
export interface MetricsCliOptions {
  metricsPort?: number;
  metricsHost: string;
}

/** Adds `--metrics-port` and `--metrics-host` to a command. */
export function addMetricsOptions(command: Command): Command {
  return command
    .addOption(new Option("--metrics-port <n>", "serve Prometheus metrics (GET /metrics), /healthz and /readyz on this port, without a token (0 = any free one)").argParser(parseInteger("--metrics-port", 0, 65_535)))
    .option("--metrics-host <host>", "interface of --metrics-port (loopback unless you mean to expose it)", "127.0.0.1");
}

/**
 * Starts the metrics endpoint when `--metrics-port` was given.
 * @throws CliError (`port-in-use`) when it cannot listen.
 */
export async function startMetricsEndpoint(metrics: LedgerMetrics, o: MetricsCliOptions): Promise<MetricsEndpoint | null> {
  if (o.metricsPort === undefined) return null;
  try {
    return await serveMetrics(metrics, { host: o.metricsHost, port: o.metricsPort });
  } catch (error) {
    throw new CliError(`cannot serve metrics on ${o.metricsHost}:${o.metricsPort}: ${(error as Error).message}`, { code: "port-in-use" });
  }
}


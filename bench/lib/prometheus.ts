/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), for the metrics test and the soak
 * harness: `# HELP` and `# TYPE` lines, then samples `name{label="value",…} value [timestamp]`. Anything else
 * (a bad name, an unterminated label, an unknown escape, a value that is no number, a sample of an undeclared
 * family after its TYPE names another one, a TYPE given twice) throws with the line number.
 */

/** One sample. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A metric family: its type, help and samples. */
export interface Family {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseValue(text: string, line: number): number {
  // As Prometheus reads them (Go's ParseFloat): Inf and NaN in any letter case (prom-client writes "Nan").
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`line ${line}: "${text}" is not a sample value`);
  return Number(text);
}

/** The family a sample belongs to: histogram and summary samples carry suffixes. */
function familyOf(sample: string, families: Map<string, Family>): Family | undefined {
  const direct = families.get(sample);
  if (direct !== undefined) return direct;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!sample.endsWith(suffix)) continue;
    const f = families.get(sample.slice(0, -suffix.length));
    if (f !== undefined && (f.type === "histogram" || (f.type === "summary" && suffix !== "_bucket"))) return f;
  }
  return undefined;
}

/**
 * Parses a whole exposition.
 * @returns the families by name.
 * @throws Error naming the line and the rule it breaks.
 */
export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const lines = text.split("\n");
  if (lines.at(-1) !== "") throw new Error("the exposition must end with a newline");
  lines.pop();
  lines.forEach((raw, i) => {
    const n = i + 1;
    if (raw.trim() === "") return;
    if (raw.startsWith("#")) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
      if (m === null) return; // a plain comment
      const [, kind, name, rest] = m as unknown as [string, "HELP" | "TYPE", string, string];
      if (!NAME.test(name)) throw new Error(`line ${n}: bad metric name "${name}"`);
      const f = families.get(name) ?? { name, type: "untyped" as const, help: "", samples: [] };
      if (kind === "TYPE") {
        if (!TYPES.has(rest)) throw new Error(`line ${n}: unknown type "${rest}"`);
        if (families.has(name) && f.samples.length > 0) throw new Error(`line ${n}: TYPE of ${name} after its samples`);
        if (f.type !== "untyped") throw new Error(`line ${n}: second TYPE for ${name}`);
        f.type = rest as Family["type"];
      } else f.help = rest.replace(/\\n/g, "\n").replace(/\\\\/g, "\\");
      families.set(name, f);
      return;
    }
    // name, optional {labels}, value, optional timestamp
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(\s+-?\d+)?$/.exec(raw);
    if (m === null) throw new Error(`line ${n}: not a sample: ${raw}`);
    const [, name, labelText, valueText] = m as unknown as [string, string, string | undefined, string];
    const labels: Record<string, string> = {};
    if (labelText !== undefined) {
      let s = labelText.slice(1, -1);
      while (s.length > 0) {
        const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(s);
        if (lm === null || !LABEL.test(lm[1]!)) throw new Error(`line ${n}: bad label in ${labelText}`);
        let j = lm[0].length;
        let value = "";
        for (;;) {
          if (j >= s.length) throw new Error(`line ${n}: unterminated label value in ${labelText}`);
          const c = s[j]!;
          if (c === "\\") {
            const e = s[j + 1];
            if (e === "n") value += "\n";
            else if (e === "\\" || e === '"') value += e;
            else throw new Error(`line ${n}: unknown escape \\${e ?? ""} in ${labelText}`);
            j += 2;
          } else if (c === '"') {
            j++;
            break;
          } else {
            value += c;
            j++;
          }
        }
        if (lm[1]! in labels) throw new Error(`line ${n}: label ${lm[1]} twice`);
        labels[lm[1]!] = value;
        s = s.slice(j);
        if (s.startsWith(",")) s = s.slice(1);
        else if (s.length > 0) throw new Error(`line ${n}: expected "," or "}" in ${labelText}`);
      }
    }
    const value = parseValue(valueText, n);
    let f = familyOf(name, families);
    if (f === undefined) {
      f = { name, type: "untyped", help: "", samples: [] };
      families.set(name, f);
    }
    f.samples.push({ name, labels, value });
  });
  return families;
}

/**
 * The value of one sample: the family's sample named `name` whose labels include `labels`, summed when several
 * match (e.g. a counter over every status). 0 when none does.
 */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) total += s.value;
    }
  }
  return total;
}

/**
 * A quantile estimated from a histogram's cumulative buckets (linear inside the bucket, as PromQL's
 * histogram_quantile), over the samples whose labels include `labels`; null when it has no observation.
 */
export function histogramQuantile(families: Map<string, Family>, name: string, q: number, labels: Record<string, string> = {}): number | null {
  const f = families.get(name);
  if (f === undefined || f.type !== "histogram") return null;
  const byLe = new Map<number, number>();
  for (const s of f.samples) {
    if (s.name !== `${name}_bucket`) continue;
    if (!Object.entries(labels).every(([k, v]) => s.labels[k] === v)) continue;
    const le = parseValue(s.labels.le ?? "", 0);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  const buckets = [...byLe.entries()].sort((a, b) => a[0] - b[0]);
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1, count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

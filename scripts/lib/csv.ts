/**
 * A small RFC 4180 CSV reader that keeps each record's line number, so a bad row can be named exactly.
 * Handles quoted fields (with "" escapes and embedded commas or newlines), CRLF, a UTF-8 BOM, and skips
 * blank lines and lines starting with `#`.
 */
import { invalidInput } from "./errors.js";

/** One data record: its 1-based line number in the file and its fields by header name. */
export interface CsvRecord {
  line: number;
  fields: Record<string, string>;
}

/** A record with the wrong number of fields. */
export interface CsvShortRecord {
  line: number;
  fields: number;
  expected: number;
}

/**
 * Parses CSV text with a header row.
 *
 * @param text - The file's content.
 * @param source - The file name, for messages.
 * @param wrongLength - When given, records with the wrong field count are listed here (and left out) instead of
 * stopping the parse, so every bad row can be reported.
 * @returns The header and the records.
 * @throws CliError naming the line when a quote is unterminated, or a record has the wrong field count (without
 * `wrongLength`).
 * @example parseCsv("address,tier\n0xabc…,1\n", "wallets.csv")
 */
export function parseCsv(text: string, source: string, wrongLength?: CsvShortRecord[]): { header: string[]; records: CsvRecord[] } {
  const rows = tokenize(text.startsWith("\uFEFF") ? text.slice(1) : text, source);
  const first = rows.shift();
  if (first === undefined) throw invalidInput(source, "the file is empty (expected a header row)");
  const header = first.cells.map((h) => h.trim().toLowerCase());
  const records: CsvRecord[] = [];
  for (const { line, cells } of rows) {
    if (cells.length !== header.length) {
      if (wrongLength === undefined) throw invalidInput(`${source} line ${line}`, `has ${cells.length} fields, the header has ${header.length}`);
      wrongLength.push({ line, fields: cells.length, expected: header.length });
      continue;
    }
    records.push({ line, fields: Object.fromEntries(header.map((h, i) => [h, cells[i]!.trim()])) });
  }
  return { header, records };
}

function tokenize(text: string, source: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let quoteLine = 0;
  const endRow = () => {
    cells.push(cell);
    const blank = cells.length === 1 && cells[0]!.trim() === "";
    if (!blank && !cells[0]!.startsWith("#")) rows.push({ line: rowLine, cells });
    cells = [];
    cell = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === "\n") line++;
        cell += c;
      }
    } else if (c === '"' && cell.trim() === "") {
      quoted = true;
      quoteLine = line;
      cell = "";
    } else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      cell += c;
    }
  }
  if (quoted) throw invalidInput(`${source} line ${quoteLine}`, "a quoted field is never closed");
  if (cell !== "" || cells.length > 0) endRow();
  return rows;
}

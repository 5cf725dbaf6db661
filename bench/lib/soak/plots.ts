/**
 * Line charts as standalone SVG, written by hand (no charting dependency): time on x, one or more series on y,
 * grid lines with round tick values, shaded bands for the faults, a legend.
 */

/** One line. */
export interface Series {
  label: string;
  color: string;
  /** [seconds since start, value]; null values break the line. */
  points: [number, number | null][];
}

/** A fault window to shade. */
export interface Band {
  from: number;
  to: number;
  label: string;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A "nice" step (1, 2 or 5 × a power of ten) giving about `count` ticks over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

const fmt = (v: number) => (Math.abs(v) >= 1000 ? `${+(v / 1000).toFixed(1)}k` : `${+v.toFixed(2)}`);

/**
 * Draws a chart.
 * @returns the SVG document.
 */
export function lineChart(o: { title: string; yLabel: string; series: Series[]; bands?: Band[]; width?: number; height?: number; yMin?: number }): string {
  const W = o.width ?? 900;
  const H = o.height ?? 320;
  const L = 64, R = 16, T = 36, B = 44;
  const all = o.series.flatMap((s) => s.points.filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1])));
  const xMax = Math.max(1, ...all.map((p) => p[0]), ...(o.bands ?? []).map((b) => b.to));
  const yMin = o.yMin ?? 0;
  const yTop = Math.max(yMin + 1e-9, ...all.map((p) => p[1]));
  const yStep = niceStep(yTop - yMin, 5);
  const yMax = Math.ceil(yTop / yStep) * yStep || yStep;
  const x = (v: number) => L + ((W - L - R) * v) / xMax;
  const y = (v: number) => T + (H - T - B) * (1 - (v - yMin) / (yMax - yMin));
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(`<text x="${L}" y="20" font-size="14" font-weight="bold">${esc(o.title)}</text>`);
  for (const b of o.bands ?? []) {
    parts.push(`<rect x="${x(b.from).toFixed(1)}" y="${T}" width="${Math.max(1.5, x(b.to) - x(b.from)).toFixed(1)}" height="${H - T - B}" fill="#f4a261" fill-opacity="0.25"><title>${esc(b.label)}</title></rect>`);
    parts.push(`<text x="${(x(b.from) + 2).toFixed(1)}" y="${T + 10}" font-size="9" fill="#b5651d">${esc(b.label)}</text>`);
  }
  for (let v = yMin; v <= yMax + 1e-9; v += yStep) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`);
  }
  const xStep = niceStep(xMax, 8);
  for (let v = 0; v <= xMax + 1e-9; v += xStep) {
    parts.push(`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${T}" y2="${H - B}" stroke="#eee"/>`);
    parts.push(`<text x="${x(v).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${v >= 60 ? `${+(v / 60).toFixed(1)} min` : `${v} s`}</text>`);
  }
  parts.push(`<text x="14" y="${(T + (H - T - B) / 2).toFixed(1)}" transform="rotate(-90 14 ${(T + (H - T - B) / 2).toFixed(1)})" text-anchor="middle">${esc(o.yLabel)}</text>`);
  parts.push(`<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#888"/><line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#888"/>`);
  for (const s of o.series) {
    const segments: string[] = [];
    let current = "";
    for (const [px, py] of s.points) {
      if (py === null || !Number.isFinite(py)) {
        if (current !== "") segments.push(current);
        current = "";
        continue;
      }
      current += `${current === "" ? "M" : "L"}${x(px).toFixed(1)},${y(Math.min(py, yMax)).toFixed(1)}`;
    }
    if (current !== "") segments.push(current);
    for (const d of segments) parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.4"/>`);
  }
  o.series.forEach((s, i) => {
    const lx = L + 10 + i * 170;
    parts.push(`<line x1="${lx}" x2="${lx + 18}" y1="${H - 10}" y2="${H - 10}" stroke="${s.color}" stroke-width="2"/><text x="${lx + 22}" y="${H - 6}">${esc(s.label)}</text>`);
  });
  parts.push("</svg>\n");
  return parts.join("\n");
}

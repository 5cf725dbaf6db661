// The flow graph of the analyst page, on Cytoscape.js (rendering, zoom, pan, selection, PNG export) with the
// ELK "layered" algorithm (elkjs, in a web worker) for the layout: one partition per hop, left to right, and
// orthogonal edge routes that ELK computes around the nodes, which Cytoscape then draws as segment edges.
// Traces too large for ELK to lay out quickly get a fast column layout with the same rule (see bigLayout).
/* global cytoscape, ELK */

/** Above this many drawn (aggregated) edges, the fast column layout replaces ELK. */
export const ELK_LIMIT = 400;
/** Above this many drawn edges, panning and zooming move a cached image of the graph (see #create). */
const LARGE = 1500;
/** Above this many drawn edges, edge labels are shown only when zoomed in. */
const LABEL_LIMIT = 150;
/** Above this many drawn edges, the renderer is warmed before the drawing counts as done (see #warm). */
const WARM = 1500;
/** A warm frame: a pan drawn within this long (ms). */
const WARM_FRAME_MS = 50;
/** The warm-up stops after this long (ms) even if frames are still slow (a very slow machine). */
const WARM_BUDGET_MS = 10_000;

const NODE_W = 200;
const NODE_H = 58;
/** The size of a mint or burn marker (the zero address is never a wallet: rule W1 of docs/TRACE.md). */
const MARK_W = 120;
const MARK_H = 34;
/** The zero address: the counterpart of mints and burns, drawn as a marker of the transfer's kind. */
export const ZERO = "0x0000000000000000000000000000000000000000";

/** The kinds of movement on the graph, with their legend label and colour. */
export const EDGE_KINDS = {
  transfer: { label: "transfer", color: "#5f7386", line: "solid" },
  payment: { label: "QR / referenced payment", color: "#00838f", line: "solid" },
  issue: { label: "issue (against a lot)", color: "#2e7d32", line: "solid" },
  redeem: { label: "redemption", color: "#8d6e63", line: "solid" },
  seizure: { label: "seizure", color: "#c62828", line: "dashed" },
  recovery: { label: "recovery", color: "#7b1fa2", line: "dotted" },
  mint: { label: "mint", color: "#9e9e9e", line: "solid" },
  burn: { label: "burn", color: "#9e9e9e", line: "solid" },
};

/** Node statuses, with their legend label (the styles below draw them). */
export const NODE_STATUSES = {
  start: "start of the trace",
  frozen: "frozen",
  denylisted: "denylisted",
  closed: "closed",
  flagged: "flagged (case list)",
  hub: "hub (not followed)",
  source: "exposure source",
};

/** What kind a trace edge is drawn as: a transfer with a payment reference is a (QR) payment. */
export function edgeKind(e) {
  if (e.kind === "transfer" && e.reference) return "payment";
  return e.kind in EDGE_KINDS ? e.kind : "transfer";
}

const STYLE = [
  {
    selector: "node",
    style: {
      shape: "round-rectangle", width: NODE_W, height: NODE_H, "background-color": "#ffffff", "border-width": 2, "border-color": "#0b6bcb",
      label: "data(label)", "text-wrap": "wrap", "text-max-width": NODE_W - 10, "text-valign": "center", "text-halign": "center",
      "font-size": 13, "font-family": "system-ui, sans-serif", color: "#1d2733", "min-zoomed-font-size": 6,
    },
  },
  {
    selector: "node.endpoint",
    style: {
      shape: "tag", width: MARK_W, height: MARK_H, "background-color": "#f5f5f5", "border-color": "data(color)", "border-style": "dashed", "border-width": 2,
      "font-size": 12, color: "#37474f", "text-max-width": MARK_W - 8,
    },
  },
  { selector: "node.start", style: { "background-color": "#e3f0fd", "border-width": 4 } },
  { selector: "node.hub", style: { "background-color": "#f3e5f5", "border-color": "#7b1fa2", "border-style": "double", "border-width": 6 } },
  { selector: "node.closed", style: { "background-color": "#eeeeee", "border-color": "#757575", "border-style": "dashed", color: "#616161" } },
  { selector: "node.frozen", style: { "background-color": "#e1f5fe", "border-color": "#0277bd", "border-style": "double", "border-width": 6 } },
  { selector: "node.denylisted", style: { "background-color": "#fde7e7", "border-color": "#c62828", "border-width": 4 } },
  { selector: "node.flagged", style: { "outline-width": 4, "outline-color": "#ef6c00", "outline-offset": 3, "outline-style": "solid" } },
  { selector: "node.source", style: { "underlay-color": "#ff9800", "underlay-padding": 8, "underlay-opacity": 0.45, "underlay-shape": "round-rectangle" } },
  { selector: "node:selected", style: { "border-color": "#000000", "border-width": 4 } },
  {
    selector: "edge",
    style: {
      width: "data(width)", "line-color": "data(color)", "line-style": "data(line)", "target-arrow-shape": "triangle", "target-arrow-color": "data(color)",
      "arrow-scale": 1.1, "curve-style": "bezier", label: "data(label)", "font-size": 12, "text-wrap": "wrap", "text-background-color": "#ffffff",
      "text-background-opacity": 0.9, "text-background-padding": 2, color: "#1d2733", "min-zoomed-font-size": 7, "text-events": "yes",
      "font-family": "system-ui, sans-serif",
    },
  },
  { selector: "edge.routed", style: { "curve-style": "segments", "segment-distances": "data(distances)", "segment-weights": "data(weights)", "edge-distances": "node-position" } },
  { selector: "edge.loop", style: { "curve-style": "bezier", "loop-direction": "-45deg", "loop-sweep": "-60deg", "control-point-step-size": 60 } },
  { selector: "edge.nolabel", style: { "min-zoomed-font-size": 14 } },
  { selector: "edge.labelled", style: { label: "" } },
  {
    selector: "node.elabel",
    style: {
      shape: "rectangle", width: 1, height: 1, "background-opacity": 0, "border-width": 0, "font-size": 12, "text-valign": "center", "text-halign": "center", "text-max-width": 400,
      "text-background-color": "#ffffff", "text-background-opacity": 0.92, "text-background-padding": 1, "min-zoomed-font-size": 7, events: "yes",
    },
  },
  { selector: "edge.highlight", style: { "line-color": "#ef6c00", "target-arrow-color": "#ef6c00", "z-index": 10 } },
  { selector: "edge:selected", style: { "line-color": "#000000", "target-arrow-color": "#000000" } },
  { selector: ".faded", style: { opacity: 0.25 } },
];

let elk = null;
const layoutEngine = () => (elk ??= new ELK({ workerUrl: "/vendor/elk-worker.min.js" }));

/**
 * Groups transfers into drawn edges: one per (sender, recipient, kind), carrying its transfers, their count and
 * total, first and last time, and smallest hop.
 */
export function aggregate(edges) {
  const groups = new Map();
  for (const e of edges) {
    const kind = edgeKind(e);
    const key = `${e.from}>${e.to}>${kind}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, from: e.from, to: e.to, kind, transfers: [], total: 0n, first: e.timestamp, last: e.timestamp, hop: e.hop }));
    g.transfers.push(e);
    g.total += BigInt(e.amountUnits);
    if (e.timestamp < g.first) g.first = e.timestamp;
    if (e.timestamp > g.last) g.last = e.timestamp;
    if (e.hop < g.hop) g.hop = e.hop;
  }
  return [...groups.values()];
}

/**
 * The graph: a Cytoscape instance in `container`, redrawn by {@link FlowGraph.draw}.
 * Events: `onSelect(address)`, `onOpen(address)` (double-click or Enter: trace from it), `onEdge(group)`.
 */
export class FlowGraph {
  constructor(container, handlers) {
    this.container = container;
    this.handlers = handlers;
    this.groups = [];
    this.large = null;
    this.#create(false);
    container.addEventListener("keydown", (ev) => this.#key(ev));
  }

  /**
   * (Re)creates the Cytoscape instance. A large graph gets Cytoscape's viewport options for big graphs: while
   * panning or zooming it moves a cached image of the graph instead of redrawing thousands of edges.
   */
  #create(large) {
    if (this.large === large) return;
    this.cy?.destroy();
    this.large = large;
    const handlers = this.handlers;
    this.cy = cytoscape({
      container: this.container, style: STYLE, elements: [], minZoom: 0.02, maxZoom: 3, boxSelectionEnabled: false,
      ...(large ? { textureOnViewport: true, hideEdgesOnViewport: true, hideLabelsOnViewport: true, pixelRatio: 1 } : {}),
    });
    this.cy.on("tap", "node.elabel", (ev) => handlers.onEdge?.(this.groups[Number(ev.target.data("edge").slice(1))]));
    this.cy.on("tap", "node.wallet", (ev) => handlers.onSelect?.(ev.target.id()));
    this.cy.on("dbltap", "node.wallet", (ev) => handlers.onOpen?.(ev.target.id()));
    this.cy.on("tap", "edge", (ev) => handlers.onEdge?.(this.groups[Number(ev.target.data("index"))]));
  }

  /** Removes everything (an error replaces the stale graph). */
  clear() {
    this.cy.elements().remove();
    this.groups = [];
  }

  /**
   * Draws transfers.
   * @param edges - trace edges, each with `amountUnits` (base units) and `label` fields added by the page.
   * @param nodes - [{ id, hop, label, classes: [] }].
   * @returns how the layout was made: "elk" or "columns".
   */
  async draw(nodes, edges, { fmt, selected, backward = false } = {}) {
    // A backward trace is drawn with its start on the right, so funds always flow left to right.
    this.backward = backward;
    const groups = aggregate(edges);
    this.groups = groups;
    const many = groups.length > LABEL_LIMIT;
    // On a large graph, edge labels are left out (measuring thousands of them costs seconds): click an edge or
    // open the table for its amounts.
    const huge = groups.length > LARGE;
    const maxTotal = groups.reduce((m, g) => (g.total > m ? g.total : m), 1n);
    // A mint or burn has no wallet at its other end (the zero address is never a wallet, TRACE.md W1): it starts
    // (issue, mint) or ends (redemption, burn) at a marker of its kind, one per drawn edge, a hop before or after
    // its wallet in the direction funds flow.
    const hopOf = new Map(nodes.map((n) => [n.id, n.hop]));
    const markers = [];
    for (const g of groups) {
      const mintSide = g.from === ZERO;
      if (!mintSide && g.to !== ZERO) continue;
      const wallet = mintSide ? g.to : g.from;
      const id = `${mintSide ? "from" : "to"}:${g.kind}:${wallet}`;
      if (mintSide) g.source = id;
      else g.target = id;
      const step = (mintSide ? -1 : 1) * (backward ? -1 : 1);
      markers.push({ id, hop: (hopOf.get(wallet) ?? 0) + step, kind: g.kind, label: `(${EDGE_KINDS[g.kind].label})` });
    }
    this.markers = markers;
    const elements = [
      ...nodes.map((n) => ({ group: "nodes", data: { id: n.id, label: n.label, hop: n.hop }, classes: ["wallet", ...n.classes].join(" ") })),
      ...markers.map((m) => ({ group: "nodes", data: { id: m.id, label: m.label, hop: m.hop, color: EDGE_KINDS[m.kind].color }, classes: `endpoint ${m.kind}`, grabbable: true })),
      ...groups.map((g, index) => {
        const k = EDGE_KINDS[g.kind];
        const share = Number((g.total * 10_000n) / maxTotal) / 10_000;
        return {
          group: "edges",
          data: {
            id: `e${index}`, index, source: g.source ?? g.from, target: g.target ?? g.to, color: k.color, line: k.line, width: 1.5 + 5 * Math.sqrt(share),
            label: huge ? "" : fmt.edgeLabel(g), count: g.transfers.length, kind: g.kind, total: g.total.toString(), ids: g.transfers.map((t) => t.id).join(","),
            distances: [0], weights: [0.5],
          },
          classes: `${g.from === g.to ? "loop" : ""}${many ? " nolabel" : ""}`,
        };
      }),
    ];
    const t0 = performance.now();
    this.#create(groups.length > LARGE);
    this.cy.startBatch();
    this.cy.elements().remove();
    this.cy.add(elements);
    this.cy.endBatch();
    const t1 = performance.now();
    const placed = [...nodes, ...markers.map((m) => ({ ...m, marker: true }))];
    const how = groups.length > ELK_LIMIT ? this.#columns(placed) : await this.#elk(placed, groups);
    const t2 = performance.now();
    this.fit(selected);
    const t3 = performance.now();
    const warm = groups.length > WARM ? await this.#warm() : { frames: 0 };
    /**
     * How long the last drawing took (ms): adding the elements, the layout, fitting, and warming the renderer
     * (with the frames it took).
     */
    this.timings = { add: Math.round(t1 - t0), layout: Math.round(t2 - t1), fit: Math.round(t3 - t2), warm: Math.round(performance.now() - t3), warmFrames: warm.frames };
    return how;
  }

  /**
   * Warms the renderer of a large graph so the first pans are as fast as later ones. Cytoscape draws a large
   * graph from cached textures of layers of elements, made per zoom level a little at a time in the frames after a
   * change (each frame gives a fraction of its drawing time to the cache), and until they exist a pan redraws every
   * element: on a 10,000-edge trace the first 8 or so pans took 200–480 ms, later ones 20–35 ms. Here the page
   * draws such frames itself (a pan of one pixel and back, not visible) until three in a row are fast, before the
   * drawing counts as done (at most WARM_BUDGET_MS; the graph is on screen and usable meanwhile).
   */
  async #warm() {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const start = performance.now();
    let fast = 0;
    let frames = 0;
    while (fast < 3 && performance.now() - start < WARM_BUDGET_MS) {
      const t = performance.now();
      this.cy.panBy({ x: frames % 2 === 0 ? 1 : -1, y: 0 });
      await frame();
      frames++;
      fast = performance.now() - t < WARM_FRAME_MS ? fast + 1 : 0;
    }
    // Undo the last one-pixel step (relative, so a pan the user made meanwhile stays).
    if (frames % 2 === 1) this.cy.panBy({ x: -1, y: 0 });
    return { frames };
  }

  /** ELK layered: partitions by hop, orthogonal routes around the nodes. */
  async #elk(nodes, groups) {
    const graph = {
      id: "root",
      layoutOptions: {
        "elk.algorithm": "layered",
        "elk.direction": this.backward ? "LEFT" : "RIGHT",
        "elk.edgeRouting": "ORTHOGONAL",
        "elk.partitioning.activate": "true",
        "elk.layered.spacing.nodeNodeBetweenLayers": "40",
        "elk.spacing.nodeNode": "26",
        "elk.layered.spacing.edgeEdgeBetweenLayers": "8",
        "elk.spacing.edgeNode": "18",
        "elk.layered.crossingMinimization.strategy": "LAYER_SWEEP",
        // Thoroughness and node placement traded for speed on bigger graphs (network simplex: straighter edges).
        "elk.layered.thoroughness": groups.length > 120 ? "1" : "7",
        "elk.layered.nodePlacement.strategy": groups.length > 120 ? "BRANDES_KOEPF" : "NETWORK_SIMPLEX",
        "elk.edgeLabels.placement": "CENTER",
        "elk.layered.edgeLabels.sideSelection": "SMART_DOWN",
        "elk.spacing.edgeLabel": "3",
      },
      children: nodes.map((n) => ({ id: n.id, width: n.marker ? MARK_W : NODE_W, height: n.marker ? MARK_H : NODE_H, layoutOptions: { "elk.partitioning.partition": String(n.hop) } })),
      edges: groups.map((g, i) => ({ g, i })).filter(({ g }) => g.from !== g.to).map(({ g, i }) => {
        const text = this.cy.getElementById(`e${i}`).data("label");
        const lines = text.split("\n");
        const width = Math.ceil(Math.max(...lines.map((l) => l.length)) * 6.4) + 6;
        return { id: `g${i}`, sources: [g.source ?? g.from], targets: [g.target ?? g.to], labels: [{ id: `l${i}`, text, width, height: lines.length * 15 + 4 }] };
      }),
    };
    const out = await layoutEngine().layout(graph);
    this.cy.startBatch();
    for (const c of out.children) this.cy.getElementById(c.id).position({ x: c.x + c.width / 2, y: c.y + c.height / 2 });
    // ELK leaves room for each edge's label beside the edge; the label is drawn there as a small node of its own.
    const labels = [];
    for (const e of out.edges) {
      const i = e.id.slice(1);
      const edge = this.cy.getElementById(`e${i}`);
      const section = e.sections?.[0];
      if (section) this.#route(edge, section.bendPoints ?? []);
      const l = e.labels?.[0];
      if (l && l.x !== undefined) {
        edge.addClass("labelled");
        labels.push({ group: "nodes", data: { id: `label-${i}`, label: l.text, edge: `e${i}` }, classes: "elabel", grabbable: false, selectable: false, position: { x: l.x + l.width / 2, y: l.y + l.height / 2 } });
      }
    }
    this.cy.add(labels);
    this.cy.endBatch();
    return "elk";
  }

  /** Gives an edge a polyline through `points` (as Cytoscape's segment distances and weights from its ends' centres). */
  #route(edge, points) {
    if (points.length === 0) return;
    const s = edge.source().position();
    const t = edge.target().position();
    const dx = t.x - s.x;
    const dy = t.y - s.y;
    const len2 = dx * dx + dy * dy;
    if (len2 === 0) return;
    const len = Math.sqrt(len2);
    const weights = [];
    const distances = [];
    for (const p of points) {
      weights.push(((p.x - s.x) * dx + (p.y - s.y) * dy) / len2);
      distances.push(((p.y - s.y) * dx - (p.x - s.x) * dy) / len);
    }
    edge.data({ weights, distances });
    edge.addClass("routed");
  }

  /**
   * The fast column layout for large traces: one column per hop, wallets ordered by the mean row of their
   * senders; an edge between neighbouring columns is straight, any other edge leaves its sender to the right,
   * runs in the free gap between columns and in a lane above (forward) or below (backward) every node, and
   * enters its recipient from the left, so no edge crosses a node.
   */
  #columns(nodes) {
    const colW = NODE_W + 120;
    const rowH = NODE_H + 22;
    const byHop = new Map();
    for (const n of nodes) {
      if (!byHop.has(n.hop)) byHop.set(n.hop, []);
      byHop.get(n.hop).push(n.id);
    }
    const row = new Map();
    const senders = new Map();
    for (const g of this.groups) {
      const [from, to] = [g.source ?? g.from, g.target ?? g.to];
      if (!senders.has(to)) senders.set(to, []);
      senders.get(to).push(from);
    }
    const hops = [...byHop.keys()].sort((a, b) => a - b);
    let height = 0;
    for (const hop of hops) {
      const ids = byHop.get(hop);
      const key = (id) => {
        const rows = (senders.get(id) ?? []).map((s) => row.get(s)).filter((r) => r !== undefined);
        return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.MAX_SAFE_INTEGER;
      };
      const keys = new Map(ids.map((id) => [id, key(id)]));
      ids.sort((a, b) => keys.get(a) - keys.get(b) || (a < b ? -1 : 1));
      ids.forEach((id, i) => row.set(id, i));
      height = Math.max(height, ids.length * rowH);
    }
    const col = new Map(hops.map((h, i) => [h, i]));
    const pos = (id) => ({ x: col.get(this.cy.getElementById(id).data("hop")) * colW * (this.backward ? -1 : 1), y: row.get(id) * rowH });
    this.cy.startBatch();
    for (const n of nodes) this.cy.getElementById(n.id).position(pos(n.id));
    const top = -rowH;
    const bottom = height;
    let lane = 0;
    for (const [i, g] of this.groups.entries()) {
      if (g.from === g.to) continue;
      const a = pos(g.source ?? g.from);
      const b = pos(g.target ?? g.to);
      if (b.x - a.x === colW) continue; // neighbouring columns: a straight line crosses no node
      const gapA = a.x + colW / 2 + ((lane % 40) - 20) * 1.5;
      const gapB = b.x - colW / 2 + ((lane % 40) - 20) * 1.5;
      const y = (b.x > a.x ? top : bottom + rowH / 2) + (b.x > a.x ? -1 : 1) * (lane % 40) * 3;
      lane++;
      const points = b.x === a.x
        ? [{ x: gapA, y: a.y }, { x: gapA, y: b.y }]
        : [{ x: gapA, y: a.y }, { x: gapA, y }, { x: gapB, y }, { x: gapB, y: b.y }];
      this.#route(this.cy.getElementById(`e${i}`), points);
      if (b.x === a.x) this.cy.getElementById(`e${i}`).style("source-endpoint", "90deg").style("target-endpoint", "90deg");
    }
    this.cy.endBatch();
    return "columns";
  }

  /** Fits the graph, keeping labels readable on small graphs (zooms in on the selection or the start). */
  fit(selected) {
    this.cy.resize();
    this.cy.fit(this.cy.nodes(".wallet"), 24);
    const walletCount = this.cy.nodes(".wallet").length;
    if (walletCount > 0 && walletCount <= 80 && this.cy.zoom() < 0.75) {
      // Readable text first (9 px and up): zoom to 75% and show the start (or the selection).
      const focus = selected ? this.cy.getElementById(selected) : this.cy.nodes(".start").first();
      const z = 0.75;
      const bb = this.cy.elements().boundingBox();
      const at = focus && focus.length ? focus.position() : { x: bb.x1, y: (bb.y1 + bb.y2) / 2 };
      this.cy.zoom(z);
      // The graph's left edge at the left when that keeps the focus in view, else the focus in the middle.
      // (A backward trace: its right edge at the right.)
      const left = 24 - bb.x1 * z;
      const right = this.cy.width() - 24 - bb.x2 * z;
      const middle = this.cy.width() / 2 - at.x * z;
      const x = this.backward
        ? (at.x * z + right > NODE_W * z ? right : middle)
        : (at.x * z + left < this.cy.width() - NODE_W * z ? left : middle);
      this.cy.pan({ x, y: this.cy.height() / 2 - at.y * z });
    }
  }

  /** Marks one wallet as selected. */
  select(address) {
    this.cy.nodes(":selected").unselect();
    if (address) this.cy.getElementById(address).select();
  }

  /** Keyboard: arrows pan, + and - zoom, 0 fits, n / p select the next or previous wallet, Enter traces from it. */
  #key(ev) {
    const cy = this.cy;
    const step = 60;
    const pan = { ArrowLeft: { x: step, y: 0 }, ArrowRight: { x: -step, y: 0 }, ArrowUp: { x: 0, y: step }, ArrowDown: { x: 0, y: -step } }[ev.key];
    if (pan) cy.panBy(pan);
    else if (ev.key === "+" || ev.key === "=") cy.zoom({ level: cy.zoom() * 1.2, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    else if (ev.key === "-") cy.zoom({ level: cy.zoom() / 1.2, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    else if (ev.key === "0") this.fit();
    else if (ev.key === "n" || ev.key === "p") {
      const nodes = cy.nodes(".wallet").sort((a, b) => a.position("x") - b.position("x") || a.position("y") - b.position("y"));
      if (nodes.length === 0) return;
      const at = nodes.indexOf(cy.nodes(":selected").first());
      const next = nodes[(at + (ev.key === "n" ? 1 : -1) + nodes.length) % nodes.length];
      this.handlers.onSelect?.(next.id());
      cy.center(next);
    } else if (ev.key === "Enter") {
      const sel = cy.nodes(":selected").first();
      if (sel.length) this.handlers.onOpen?.(sel.id());
    } else return;
    ev.preventDefault();
  }
}

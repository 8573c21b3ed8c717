// Small SVG charts for the dashboard: pie, bars (vertical, horizontal with error bars, stacked, grouped), box plot,
// heatmap, line and flow diagram. Each draws into a <figure> with a title, axes with labels, a legend where there
// is more than one series, a tooltip (<title>) on every mark, and a data table beside the chart.
// Every mark carries the class "mark"; the figure's data-points attribute counts them, so a test (or a person
// with developer tools) can see that a chart has data.

const SVG = "http://www.w3.org/2000/svg";

// Okabe-Ito, readable by people with the common colour-vision deficiencies, then two more.
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999", "#7F3C8D"];

// Large numbers grouped with one decimal at most; small ones (rates, AUC drops) with three.
const large = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const small = new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 });
export const fmt = (v) => {
  if (typeof v !== "number") return String(v);
  const text = (Math.abs(v) >= 100 ? large : small).format(v);
  return text === "-0" ? "0" : text;
};

function el(name, attributes = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function mark(node, tooltip) {
  node.classList.add("mark");
  node.appendChild(el("title", {}, tooltip));
  return node;
}

function svgRoot(width, height, label) {
  return el("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", "aria-label": label, preserveAspectRatio: "xMidYMid meet" });
}

/** Lays out a figure: title, chart and table side by side. Returns the figure. */
export function figure(host, title, svg, table) {
  host.replaceChildren();
  host.classList.add("chart");
  const caption = document.createElement("figcaption");
  caption.textContent = title;
  const plot = document.createElement("div");
  plot.className = "plot";
  plot.appendChild(svg);
  const data = document.createElement("div");
  data.className = "data";
  data.appendChild(table);
  host.append(caption, plot, data);
  host.dataset.points = String(svg.querySelectorAll(".mark").length);
  return host;
}

/** A data table: headers and rows of cells (numbers are formatted). */
export function table(caption, headers, rows) {
  const t = document.createElement("table");
  const c = document.createElement("caption");
  c.textContent = caption;
  t.appendChild(c);
  const head = t.createTHead().insertRow();
  for (const h of headers) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = h;
    head.appendChild(th);
  }
  const body = t.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    row.forEach((cell, i) => {
      const td = i === 0 ? document.createElement("th") : document.createElement("td");
      if (i === 0) td.scope = "row";
      if (typeof cell === "number") td.className = "num";
      td.textContent = fmt(cell);
      tr.appendChild(td);
    });
  }
  return t;
}

function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

// A round step (1, 2, 2.5 or 5 times a power of ten) near span / count.
function niceStep(span, count) {
  const raw = span / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 2.5, 5, 10].map((s) => s * power).find((s) => s >= raw);
}

function ticks(max, count = 5) {
  return Array.from({ length: count + 1 }, (_, i) => (max * i) / count);
}

function legend(svg, names, x, y, colors = PALETTE) {
  names.forEach((name, i) => {
    const g = el("g", { class: "legend-item", transform: `translate(${x},${y + i * 18})` });
    g.appendChild(el("rect", { width: 12, height: 12, fill: colors[i % colors.length] }));
    g.appendChild(el("text", { x: 17, y: 10, class: "legend" }, name));
    svg.appendChild(g);
  });
}

// Axes for a plot area; y from yMin (0 by default) to yMax with gridlines. Returns the y scale.
function frame(svg, area, yMax, xLabel, yLabel, yMin = 0) {
  const scale = (v) => area.y + area.h - ((v - yMin) / (yMax - yMin)) * area.h;
  for (const t of ticks(yMax - yMin).map((t) => t + yMin)) {
    svg.appendChild(el("line", { x1: area.x, x2: area.x + area.w, y1: scale(t), y2: scale(t), class: "grid" }));
    svg.appendChild(el("text", { x: area.x - 6, y: scale(t) + 4, class: "tick", "text-anchor": "end" }, fmt(t)));
  }
  svg.appendChild(el("line", { x1: area.x, x2: area.x + area.w, y1: area.y + area.h, y2: area.y + area.h, class: "axis" }));
  svg.appendChild(el("line", { x1: area.x, x2: area.x, y1: area.y, y2: area.y + area.h, class: "axis" }));
  svg.appendChild(el("text", { x: area.x + area.w / 2, y: area.y + area.h + 48, class: "axis-label x-axis-label", "text-anchor": "middle" }, xLabel));
  svg.appendChild(el("text", { x: 14, y: area.y + area.h / 2, class: "axis-label", "text-anchor": "middle", transform: `rotate(-90 14 ${area.y + area.h / 2})` }, yLabel));
  return scale;
}

function categoryLabels(svg, area, labels) {
  const band = area.w / labels.length;
  const rotate = labels.length > 6;
  const ticks = labels.map((label, i) => {
    const x = area.x + band * i + band / 2;
    const tick = el("text", {
      x, y: area.y + area.h + 14, class: "tick", "text-anchor": rotate ? "end" : "middle",
      transform: rotate ? `rotate(-35 ${x} ${area.y + area.h + 14})` : "",
    }, label);
    svg.appendChild(tick);
    return tick;
  });
  // Slanted labels reach further down the longer they are: the axis title goes below the longest ("Documentary"
  // used to run through it), and the drawing grows to keep it in view.
  const depth = Math.max(...ticks.map((t) => labelDepth(t, rotate)));
  const title = svg.querySelector("text.x-axis-label");
  if (title) {
    const y = Math.max(Number(title.getAttribute("y")), area.y + area.h + depth + 18);
    title.setAttribute("y", y);
    const [x0, y0, w, h] = svg.getAttribute("viewBox").split(" ").map(Number);
    if (y + 8 > y0 + h) svg.setAttribute("viewBox", `${x0} ${y0} ${w} ${y + 8 - y0}`);
  }
  return band;
}

// How far below the axis a category label reaches: its measured width when the page lays it out, else an estimate
// from its length at the tick font.
function labelDepth(tick, rotate) {
  if (!rotate) return 14;
  const width = tick.getComputedTextLength?.() || tick.textContent.length * 6.2;
  return 14 + Math.ceil(width * Math.sin((35 * Math.PI) / 180));
}

/** A donut chart of parts of a whole. */
export function pie(host, title, data, unit = "subscribers") {
  const total = data.reduce((s, d) => s + d.value, 0);
  // Shares to one decimal, as a reader quotes them (35.5 %, not 35.497 %).
  const percent = (value) => (total > 0 ? Math.round((1000 * value) / total) / 10 : 0);
  const svg = svgRoot(480, 260, title);
  const cx = 130, cy = 130, r = 110, inner = 55;
  let angle = -Math.PI / 2;
  data.forEach((d, i) => {
    const share = total > 0 ? d.value / total : 0;
    const end = angle + share * 2 * Math.PI;
    const large = end - angle > Math.PI ? 1 : 0;
    const p = (a, radius) => `${cx + radius * Math.cos(a)} ${cy + radius * Math.sin(a)}`;
    const path = share >= 0.9999
      ? `M ${cx - r} ${cy} A ${r} ${r} 0 1 1 ${cx + r} ${cy} A ${r} ${r} 0 1 1 ${cx - r} ${cy} M ${cx - inner} ${cy} A ${inner} ${inner} 0 1 0 ${cx + inner} ${cy} A ${inner} ${inner} 0 1 0 ${cx - inner} ${cy}`
      : `M ${p(angle, r)} A ${r} ${r} 0 ${large} 1 ${p(end, r)} L ${p(end, inner)} A ${inner} ${inner} 0 ${large} 0 ${p(angle, inner)} Z`;
    svg.appendChild(mark(el("path", { d: path, fill: PALETTE[i % PALETTE.length], "data-label": d.label, "data-value": d.value, "fill-rule": "evenodd" }),
      `${d.label}: ${fmt(d.value)} ${unit} (${fmt(percent(d.value))} %)`));
    angle = end;
  });
  svg.appendChild(el("text", { x: cx, y: cy + 5, class: "total", "text-anchor": "middle" }, fmt(total)));
  legend(svg, data.map((d) => `${d.label} (${fmt(percent(d.value))} %)`), 270, 40);
  return figure(host, title, svg, table(title, ["", unit, "share %"], data.map((d) => [d.label, d.value, percent(d.value)])));
}

/** Vertical bars, one per category. */
export function bars(host, title, data, { xLabel, yLabel, color = PALETTE[0] } = {}) {
  const svg = svgRoot(640, 320, title);
  const area = { x: 70, y: 20, w: 550, h: 220 };
  const max = niceMax(Math.max(...data.map((d) => d.value)));
  frame(svg, area, max, xLabel, yLabel);
  const band = categoryLabels(svg, area, data.map((d) => d.label));
  data.forEach((d, i) => {
    const h = (d.value / max) * area.h;
    svg.appendChild(mark(el("rect", { x: area.x + band * i + band * 0.15, y: area.y + area.h - h, width: band * 0.7, height: h, fill: color, "data-label": d.label, "data-value": d.value }),
      `${d.label}: ${fmt(d.value)} ${yLabel}`));
  });
  return figure(host, title, svg, table(title, [xLabel, yLabel], data.map((d) => [d.label, d.value])));
}

/** Horizontal bars with optional error bars (value +- error), largest first. */
export function horizontalBars(host, title, data, { xLabel, yLabel, color = PALETTE[0] } = {}) {
  const rowHeight = 22;
  const svg = svgRoot(640, 70 + data.length * rowHeight, title);
  const area = { x: 190, y: 10, w: 420, h: data.length * rowHeight };
  const high = Math.max(...data.map((d) => d.value + (d.error || 0)), 0);
  const low = Math.min(0, ...data.map((d) => d.value - (d.error || 0)));
  const step = niceStep(high - low || 1, 4);
  const min = Math.floor(low / step) * step, max = Math.ceil(high / step) * step;
  const scale = (v) => area.x + ((v - min) / (max - min)) * area.w;
  for (let t = min; t <= max + step / 2; t += step) {
    svg.appendChild(el("line", { x1: scale(t), x2: scale(t), y1: area.y, y2: area.y + area.h, class: "grid" }));
    svg.appendChild(el("text", { x: scale(t), y: area.y + area.h + 16, class: "tick", "text-anchor": "middle" }, fmt(t)));
  }
  svg.appendChild(el("line", { x1: scale(0), x2: scale(0), y1: area.y, y2: area.y + area.h, class: "axis" }));
  data.forEach((d, i) => {
    const y = area.y + i * rowHeight;
    svg.appendChild(el("text", { x: area.x - 6, y: y + rowHeight / 2 + 4, class: "tick", "text-anchor": "end" }, d.label));
    const x0 = scale(Math.min(0, d.value)), x1 = scale(Math.max(0, d.value));
    svg.appendChild(mark(el("rect", { x: x0, y: y + 3, width: Math.max(1, x1 - x0), height: rowHeight - 6, fill: color, "data-label": d.label, "data-value": d.value }),
      `${d.label}: ${fmt(d.value)}${d.error ? ` +- ${fmt(d.error)}` : ""}`));
    if (d.error) {
      const cy = y + rowHeight / 2;
      svg.appendChild(el("line", { x1: scale(d.value - d.error), x2: scale(d.value + d.error), y1: cy, y2: cy, class: "error-bar" }));
    }
  });
  svg.appendChild(el("text", { x: area.x + area.w / 2, y: area.y + area.h + 40, class: "axis-label", "text-anchor": "middle" }, xLabel));
  const headers = data.some((d) => d.error) ? [yLabel, xLabel, "standard error"] : [yLabel, xLabel];
  return figure(host, title, svg, table(title, headers, data.map((d) => (d.error !== undefined ? [d.label, d.value, d.error] : [d.label, d.value]))));
}

/** Stacked bars: categories on x, one stacked segment per series. */
export function stackedBars(host, title, categories, series, { xLabel, yLabel } = {}) {
  const svg = svgRoot(640, 320, title);
  const area = { x: 70, y: 20, w: 420, h: 220 };
  const totals = categories.map((_, i) => series.reduce((s, x) => s + x.values[i], 0));
  const max = niceMax(Math.max(...totals));
  frame(svg, area, max, xLabel, yLabel);
  const band = categoryLabels(svg, area, categories);
  categories.forEach((category, i) => {
    let base = 0;
    series.forEach((s, k) => {
      const h = (s.values[i] / max) * area.h;
      svg.appendChild(mark(el("rect", {
        x: area.x + band * i + band * 0.2, y: area.y + area.h - ((base + s.values[i]) / max) * area.h, width: band * 0.6, height: h,
        fill: PALETTE[k % PALETTE.length], "data-label": `${category} ${s.name}`, "data-value": s.values[i],
      }), `${category}, ${s.name}: ${fmt(s.values[i])} ${yLabel}`));
      base += s.values[i];
    });
  });
  legend(svg, series.map((s) => s.name), 510, 30);
  return figure(host, title, svg, table(title, [xLabel, ...series.map((s) => s.name), "total"], categories.map((c, i) => [c, ...series.map((s) => s.values[i]), totals[i]])));
}

/** Grouped bars: categories on x, one bar per series side by side. */
export function groupedBars(host, title, categories, series, { xLabel, yLabel, yMax } = {}) {
  const svg = svgRoot(640, 320, title);
  const area = { x: 70, y: 20, w: 420, h: 220 };
  const max = yMax ?? niceMax(Math.max(...series.flatMap((s) => s.values)));
  frame(svg, area, max, xLabel, yLabel);
  const band = categoryLabels(svg, area, categories);
  const width = (band * 0.8) / series.length;
  categories.forEach((category, i) => {
    series.forEach((s, k) => {
      const h = (s.values[i] / max) * area.h;
      svg.appendChild(mark(el("rect", {
        x: area.x + band * i + band * 0.1 + k * width, y: area.y + area.h - h, width: width * 0.9, height: h,
        fill: PALETTE[k % PALETTE.length], "data-label": `${category} ${s.name}`, "data-value": s.values[i],
      }), `${category}, ${s.name}: ${fmt(s.values[i])}`));
    });
  });
  legend(svg, series.map((s) => s.name), 510, 30);
  return figure(host, title, svg, table(title, [xLabel, ...series.map((s) => s.name)], categories.map((c, i) => [c, ...series.map((s) => s.values[i])])));
}

/** Box plots: min, quartiles, max per category, the mean as a dot. */
export function boxPlot(host, title, data, { xLabel, yLabel, yMin = 0, yMax } = {}) {
  const svg = svgRoot(640, 320, title);
  const area = { x: 70, y: 20, w: 550, h: 220 };
  const top = yMax ?? niceMax(Math.max(...data.map((d) => d.max)));
  const y = frame(svg, area, top, xLabel, yLabel, yMin);
  const band = categoryLabels(svg, area, data.map((d) => d.label));
  data.forEach((d, i) => {
    const cx = area.x + band * i + band / 2, w = band * 0.5;
    const g = el("g", { "data-label": d.label });
    g.appendChild(el("line", { x1: cx, x2: cx, y1: y(d.min), y2: y(d.max), class: "whisker" }));
    g.appendChild(mark(el("rect", { x: cx - w / 2, y: y(d.q3), width: w, height: Math.max(1, y(d.q1) - y(d.q3)), fill: PALETTE[4], "data-value": d.median }),
      `${d.label}: min ${fmt(d.min)}, Q1 ${fmt(d.q1)}, median ${fmt(d.median)}, Q3 ${fmt(d.q3)}, max ${fmt(d.max)}, mean ${fmt(d.mean)} (${fmt(d.count)} ratings)`));
    g.appendChild(el("line", { x1: cx - w / 2, x2: cx + w / 2, y1: y(d.median), y2: y(d.median), class: "median" }));
    g.appendChild(el("circle", { cx, cy: y(d.mean), r: 3, class: "mean" }));
    svg.appendChild(g);
  });
  return figure(host, title, svg, table(title, [xLabel, "ratings", "min", "Q1", "median", "Q3", "max", "mean"], data.map((d) => [d.label, d.count, d.min, d.q1, d.median, d.q3, d.max, d.mean])));
}

/** A heatmap: rows x columns, darker is more, with a colour scale. */
export function heatmap(host, title, rows, columns, values, { rowLabel, columnLabel, valueLabel, max } = {}) {
  const cell = Math.min(44, Math.max(18, 420 / columns.length));
  const left = 150, topMargin = 110;
  const svg = svgRoot(left + columns.length * cell + 120, topMargin + rows.length * cell + 30, title);
  const top = max ?? Math.max(...values.flat(), 0) ?? 1;
  const shade = (v) => {
    const t = top > 0 ? Math.min(1, v / top) : 0;
    const light = [239, 246, 255], dark = [8, 48, 107];
    return `rgb(${light.map((c, i) => Math.round(c + (dark[i] - c) * t)).join(",")})`;
  };
  columns.forEach((c, j) => {
    const x = left + j * cell + cell / 2;
    svg.appendChild(el("text", { x, y: topMargin - 6, class: "tick", "text-anchor": "start", transform: `rotate(-50 ${x} ${topMargin - 6})` }, c));
  });
  rows.forEach((r, i) => {
    svg.appendChild(el("text", { x: left - 6, y: topMargin + i * cell + cell / 2 + 4, class: "tick", "text-anchor": "end" }, r));
    columns.forEach((c, j) => {
      svg.appendChild(mark(el("rect", { x: left + j * cell, y: topMargin + i * cell, width: cell - 1, height: cell - 1, fill: shade(values[i][j]), "data-value": values[i][j] }),
        `${r} / ${c}: ${fmt(values[i][j])} ${valueLabel}`));
    });
  });
  // Colour scale.
  const sx = left + columns.length * cell + 20;
  for (let k = 0; k <= 10; k++) {
    svg.appendChild(el("rect", { x: sx, y: topMargin + (10 - k) * 12, width: 14, height: 12, fill: shade((top * k) / 10) }));
  }
  svg.appendChild(el("text", { x: sx + 18, y: topMargin + 10, class: "tick" }, fmt(top)));
  svg.appendChild(el("text", { x: sx + 18, y: topMargin + 130, class: "tick" }, "0"));
  svg.appendChild(el("text", { x: sx, y: topMargin + 150, class: "legend" }, valueLabel));
  svg.appendChild(el("text", { x: left, y: 14, class: "axis-label" }, `${rowLabel} (rows) x ${columnLabel} (columns)`));
  return figure(host, title, svg, table(title, [rowLabel, ...columns], rows.map((r, i) => [r, ...values[i]])));
}

/** Lines through points (x and y from 0 to 1 unless given), with an optional diagonal and highlighted points. */
export function lines(host, title, series, { xLabel, yLabel, diagonal = false, points = [] } = {}) {
  const svg = svgRoot(720, 360, title);
  const area = { x: 70, y: 20, w: 380, h: 280 };
  const sx = (v) => area.x + v * area.w, sy = (v) => area.y + area.h - v * area.h;
  for (const t of ticks(1)) {
    svg.appendChild(el("line", { x1: area.x, x2: area.x + area.w, y1: sy(t), y2: sy(t), class: "grid" }));
    svg.appendChild(el("line", { x1: sx(t), x2: sx(t), y1: area.y, y2: area.y + area.h, class: "grid" }));
    svg.appendChild(el("text", { x: area.x - 6, y: sy(t) + 4, class: "tick", "text-anchor": "end" }, fmt(t)));
    svg.appendChild(el("text", { x: sx(t), y: area.y + area.h + 16, class: "tick", "text-anchor": "middle" }, fmt(t)));
  }
  svg.appendChild(el("text", { x: area.x + area.w / 2, y: area.y + area.h + 40, class: "axis-label", "text-anchor": "middle" }, xLabel));
  svg.appendChild(el("text", { x: 14, y: area.y + area.h / 2, class: "axis-label", "text-anchor": "middle", transform: `rotate(-90 14 ${area.y + area.h / 2})` }, yLabel));
  const names = [];
  if (diagonal) {
    svg.appendChild(el("line", { x1: sx(0), y1: sy(0), x2: sx(1), y2: sy(1), class: "diagonal" }));
  }
  series.forEach((s, k) => {
    names.push(s.name);
    const d = s.points.map(([x, y], i) => `${i ? "L" : "M"} ${sx(x)} ${sy(y)}`).join(" ");
    svg.appendChild(mark(el("path", { d, fill: "none", stroke: PALETTE[k % PALETTE.length], "stroke-width": 2.5, "data-value": s.points.length }), `${s.name}: ${s.points.length} points`));
  });
  points.forEach((p) => {
    svg.appendChild(mark(el("circle", { cx: sx(p.x), cy: sy(p.y), r: 6, class: "highlight" }), `${p.label}: (${fmt(p.x)}, ${fmt(p.y)})`));
    svg.appendChild(el("text", { x: sx(p.x) + 9, y: sy(p.y) + 14, class: "legend" }, p.label));
  });
  legend(svg, diagonal ? [...names, "chance"] : names, 470, 30, diagonal ? [...PALETTE.slice(0, names.length), "#999999"] : PALETTE);
  // One row in five of each curve (both ends kept), then the marked points.
  const sample = (s) => s.points.filter((_, i) => i % 5 === 0 || i === s.points.length - 1);
  const single = series.length === 1;
  const rows = series.flatMap((s) => sample(s).map(([x, y]) => (single ? [x, y] : [s.name, x, y])));
  const marked = points.map((p) => (single ? [p.x, p.y] : [p.label, p.x, p.y]));
  const caption = `${title}: every fifth point${points.length ? ", then the marked point" : ""}`;
  return figure(host, title, svg, table(caption, single ? [xLabel, yLabel] : ["series", xLabel, yLabel], [...rows, ...marked]));
}

/** A flow diagram: sources on the left, targets on the right, bands as wide as the flow between them. */
export function flow(host, title, sources, targets, flows, { sourceLabel, targetLabel, unit } = {}) {
  const height = 360, width = 640, nodeWidth = 14, gap = 8;
  const svg = svgRoot(width, height + 40, title);
  const total = flows.reduce((s, f) => s + f.value, 0);
  const scale = (height - gap * (Math.max(sources.length, targets.length) - 1)) / total;
  const layout = (names, x, key) => {
    let y = 20;
    const nodes = new Map();
    for (const name of names) {
      const value = flows.filter((f) => f[key] === name).reduce((s, f) => s + f.value, 0);
      nodes.set(name, { x, y, h: value * scale, value, offset: 0 });
      y += value * scale + gap;
    }
    return nodes;
  };
  const left = layout(sources, 150, "source"), right = layout(targets, width - 170, "target");
  flows.forEach((f) => {
    const a = left.get(f.source), b = right.get(f.target);
    const h = f.value * scale;
    const y0 = a.y + a.offset + h / 2, y1 = b.y + b.offset + h / 2;
    a.offset += h; b.offset += h;
    const x0 = a.x + nodeWidth, x1 = b.x, mid = (x0 + x1) / 2;
    svg.appendChild(mark(el("path", {
      d: `M ${x0} ${y0} C ${mid} ${y0}, ${mid} ${y1}, ${x1} ${y1}`, fill: "none", "stroke-width": Math.max(1, h),
      stroke: PALETTE[sources.indexOf(f.source) % PALETTE.length], class: "flow", "data-value": f.value,
    }), `${f.source} -> ${f.target}: ${fmt(f.value)} ${unit}`));
  });
  const nodes = (map, anchorLeft) => map.forEach((n, name) => {
    svg.appendChild(el("rect", { x: n.x, y: n.y, width: nodeWidth, height: Math.max(1, n.h), class: "node" }));
    svg.appendChild(el("text", { x: anchorLeft ? n.x - 6 : n.x + nodeWidth + 6, y: n.y + n.h / 2 + 4, class: "tick", "text-anchor": anchorLeft ? "end" : "start" }, `${name} (${fmt(n.value)})`));
  });
  nodes(left, true);
  nodes(right, false);
  svg.appendChild(el("text", { x: 150, y: 12, class: "axis-label", "text-anchor": "middle" }, sourceLabel));
  svg.appendChild(el("text", { x: width - 170, y: 12, class: "axis-label", "text-anchor": "middle" }, targetLabel));
  return figure(host, title, svg, table(title, [sourceLabel, ...targets], sources.map((s) => [s, ...targets.map((t) => flows.find((f) => f.source === s && f.target === t)?.value ?? 0)])));
}

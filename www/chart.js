// The usage chart: cumulative tokens (or cost) per model over time, as plain SVG.
const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#65a30d', '#db2777'];

function svg(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Series per model: cumulative `measure(record)` at each record's time, oldest first. */
export function series(records, measure) {
  const byModel = new Map();
  for (const r of [...records].sort((a, b) => a.time - b.time)) {
    const s = byModel.get(r.model) ?? [];
    s.push({ time: r.time, value: (s.at(-1)?.value ?? 0) + measure(r) });
    byModel.set(r.model, s);
  }
  return byModel;
}

const fmt = (v, money) => (money ? `$${v < 0.01 && v > 0 ? v.toFixed(4) : v.toFixed(2)}` : v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : String(Math.round(v)));

/** An SVG line chart of `byModel` (from `series`) with a legend; `money` formats values as USD. */
export function lineChart(byModel, { money = false, title }) {
  const W = 480, H = 220, L = 48, R = 12, T = 12, B = 28;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart' });
  root.append(svg('title', {}, title));
  const points = [...byModel.values()].flat();
  if (!points.length) {
    root.append(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'muted' }, 'No usage yet — send a message to a provider.'));
    return root;
  }
  const t0 = Math.min(...points.map((p) => p.time)), t1 = Math.max(...points.map((p) => p.time));
  const vmax = Math.max(...points.map((p) => p.value)) || 1;
  const x = (t) => L + (t1 === t0 ? (W - L - R) / 2 : ((t - t0) / (t1 - t0)) * (W - L - R));
  const y = (v) => H - B - (v / vmax) * (H - T - B);
  root.append(svg('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }));
  root.append(svg('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }));
  for (const f of [0, 0.5, 1]) {
    root.append(svg('text', { x: L - 6, y: y(vmax * f) + 4, 'text-anchor': 'end', class: 'tick' }, fmt(vmax * f, money)));
  }
  const time = (t) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  root.append(svg('text', { x: L, y: H - 8, class: 'tick' }, time(t0)));
  root.append(svg('text', { x: W - R, y: H - 8, 'text-anchor': 'end', class: 'tick' }, time(t1)));
  let i = 0;
  for (const [model, s] of byModel) {
    const color = COLORS[i % COLORS.length];
    const d = s.map((p, k) => `${k ? 'L' : 'M'}${x(p.time).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
    root.append(svg('path', { d: s.length === 1 ? `${d} h2` : d, stroke: color, fill: 'none', 'stroke-width': 2 }));
    for (const p of s) root.append(svg('circle', { cx: x(p.time), cy: y(p.value), r: 2.5, fill: color }));
    const ly = T + 4 + i * 14;
    root.append(svg('rect', { x: L + 8, y: ly, width: 10, height: 10, fill: color }));
    root.append(svg('text', { x: L + 22, y: ly + 9, class: 'legend' }, `${model}: ${fmt(s.at(-1).value, money)}`));
    i++;
  }
  return root;
}

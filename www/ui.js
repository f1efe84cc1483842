// DOM helpers. Strings always become Text nodes — nothing here parses HTML.

/**
 * `h('p', { class: 'x', onclick }, 'text', child)`: an element; `on…` attributes that are
 * functions become listeners, `false`/`null` attributes are left out, strings become text.
 */
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

export const num = (n) => Math.round(n).toLocaleString('en-US');
export const pct = (u) => `${(u * 100).toFixed(u < 0.1 ? 1 : 0)}%`;
export const usd = (c) => (c == null ? 'no price' : c === 0 ? '$0' : c < 0.0001 ? '<$0.0001' : `$${c.toFixed(4)}`);

/** A contextwise error (or any error) as one line for the user. */
export function errorText(e, isContextwiseError) {
  if (isContextwiseError(e)) return `${e.code}${e.status ? ` (HTTP ${e.status})` : ''}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** A risk gauge: a bar filled to `utilization`, coloured by `level`. */
export function gauge(level, utilization, label) {
  const fill = h('span', { class: 'gauge-fill' });
  fill.style.width = `${Math.min(100, utilization * 100).toFixed(1)}%`;
  return h('span', { class: 'gauge', 'data-level': level, role: 'meter', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(utilization * 100) }, fill);
}

/** Calls `f` once the calls have paused for `ms`. */
export function debounce(f, ms) {
  let t;
  return (...a) => { clearTimeout(t); t = setTimeout(() => f(...a), ms); };
}

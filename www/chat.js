// The conversation view: messages as stored, replies streamed in, and under each reply a line
// saying what contextwise did in that turn (kept in the session's metadata, so a reload shows it).
import { renderMarkdown } from './markdown.js';
import { h, num, pct, usd } from './ui.js';

/** Plain text of a stored message's content. */
export function textOf(m) {
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content)) return m.content.map((p) => p?.text ?? `[${p?.type ?? 'part'}]`).join('\n');
  return '';
}

/** What a turn did, compact enough to keep with the session (`metadata.turns[seq]`). */
export function turnMeta(r) {
  const c = r.contextInfo;
  return {
    model: r.model, reason: c.reason, risk: c.riskLevel, util: c.utilization, limit: c.limit,
    condensed: c.condensationApplied, before: c.tokensBefore, after: c.tokensAfter, strategy: c.strategy,
    fallbacks: c.fallbacks, attempts: c.attempts, usage: r.usage, cost: r.cost, summarizerCost: r.summarizerCost,
    ms: c.processingTimeMs, memory: c.memory, recall: c.recall,
  };
}

/** The same for a turn that had no provider: what would have been sent, and the condensation that ran. */
export function noteMeta(p, condensing) {
  return {
    note: true, model: p.model, reason: p.reason, risk: p.riskLevel, util: p.utilization, limit: p.limit, tokens: p.tokens,
    condensed: Boolean(condensing), before: condensing?.tokensBefore, after: condensing?.tokensAfter,
    strategy: condensing?.strategy ?? null, fallbacks: condensing?.fallbacks ?? [], memory: p.memory,
  };
}

/** The compact line under a reply, with the details behind it. */
export function turnLine(t) {
  const parts = [t.model, `${t.risk} ${pct(t.util)}`];
  parts.push(t.condensed ? `condensed ${num(t.before)} → ${num(t.after)} (${t.strategy})` : 'not condensed');
  if (t.fallbacks?.length) parts.push(`${t.fallbacks.length} strategy fallback(s)`);
  const failed = (t.attempts ?? []).filter((a) => !a.ok);
  if (failed.length) parts.push(`${failed.length} failed attempt(s)`);
  if (t.usage) parts.push(`${num(t.usage.promptTokens)} in / ${num(t.usage.completionTokens)} out`);
  if (!t.note) parts.push(usd(t.cost));
  const details = h('dl', {},
    h('dt', {}, 'Model'), h('dd', {}, `${t.model} — ${t.reason}`),
    h('dt', {}, 'Risk before sending'), h('dd', {}, `${t.risk}: ${pct(t.util)} of ${num(t.limit)} usable tokens${t.tokens ? ` (${num(t.tokens)} tokens)` : ''}`),
    h('dt', {}, 'Condensation'), h('dd', {}, t.condensed ? `${num(t.before)} → ${num(t.after)} tokens with ${t.strategy}` : 'not needed'),
    h('dt', {}, 'Strategy fallbacks'), h('dd', {}, t.fallbacks?.length ? t.fallbacks.map((f) => `${f.strategy}: ${f.reason}`).join('; ') : 'none'),
    h('dt', {}, 'Attempts'), h('dd', {}, t.attempts?.length ? t.attempts.map((a) => `${a.model} ${a.ok ? 'ok' : `failed (${a.code}: ${a.message ?? ''})`}`).join(' → ') : t.note ? 'nothing sent: no provider is set' : '—'),
    h('dt', {}, 'Memory from earlier sessions'), h('dd', {}, `${t.memory ?? 0} hit(s)`),
    ...(t.recall?.length ? [h('dt', {}, 'Recall searches'), h('dd', {}, t.recall.map((r) => `“${r.query}” → #${r.messageIds.join(', #')}`).join('; '))] : []),
    ...(t.note ? [] : [h('dt', {}, 'Tokens and cost'), h('dd', {}, `${t.usage ? `${num(t.usage.promptTokens)} prompt, ${num(t.usage.completionTokens)} completion` : 'usage not reported'}; ${usd(t.cost)}${t.summarizerCost ? ` + summarizer ${usd(t.summarizerCost)}` : ''}; ${Math.round(t.ms ?? 0)} ms of context work`)]));
  return h('details', { class: 'turn-info' }, h('summary', {}, parts.join(' · ')), details);
}

/**
 * One message row. `actions` are `{ label, run }` buttons; `body` replaces the rendered text
 * (a stream in progress, an editor).
 */
export function messageRow(rec, { actions = [], info, body } = {}) {
  const m = rec.message;
  const content = body ?? h('div', { class: 'content' });
  if (!body) {
    if (m.role === 'assistant' || m.role === 'user') content.append(renderMarkdown(textOf(m)));
    else content.append(h('pre', {}, textOf(m)));
  }
  const who = m.role === 'user' ? 'You' : m.role === 'assistant' ? 'Assistant' : m.role;
  const li = h('li', { class: `msg ${m.role}`, 'data-seq': rec.seq ?? '', 'data-role': m.role },
    h('div', { class: 'who' }, who, rec.seq !== undefined ? h('span', { class: 'seq' }, ` #${rec.seq}`) : null),
    content);
  if (actions.length) li.append(h('div', { class: 'actions' }, ...actions.map((a) => h('button', { type: 'button', class: 'link', onclick: a.run, 'aria-label': a.aria ?? a.label }, a.label))));
  if (info) li.append(info);
  return li;
}

/** A note shown after a user message that was not sent anywhere. */
export function noteRow(t) {
  return h('li', { class: 'msg note', role: 'note' },
    h('div', { class: 'who' }, 'contextwise'),
    h('p', {}, 'No provider is set, so nothing was sent. Open Settings to connect OpenAI, Anthropic, DeepSeek, Ollama or any OpenAI-compatible server. What contextwise did for this turn, locally:'),
    turnLine(t));
}

/** Re-renders `text` as Markdown into `box`, at most once per frame. */
export function streamRenderer(box) {
  let text = '', queued = false;
  return {
    append(t) {
      text += t;
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => { queued = false; box.replaceChildren(renderMarkdown(text)); });
    },
    get text() { return text; },
  };
}

/** Copies `text` to the clipboard (a hidden textarea when the Clipboard API is refused). */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const t = h('textarea', { 'aria-hidden': 'true' });
    t.value = text;
    document.body.append(t);
    t.select();
    document.execCommand('copy');
    t.remove();
  }
}

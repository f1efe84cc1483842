// The context inspector: what the next turn sends (session.plan()), part by part with token
// counts, the condensation plan, and the facts ledger with links to the messages they came from.
import { countMessages } from '../pkg/web/index.js';
import { h, num, pct } from './ui.js';
import { textOf } from './chat.js';

/** Which part of the context a message is. */
function partOf(m) {
  const text = typeof m.content === 'string' ? m.content : '';
  if (m.role === 'system') {
    if (text.startsWith('Memory from earlier conversations')) return 'Memory from earlier sessions';
    if (text.startsWith('Facts so far')) return 'Facts ledger';
    if (text.startsWith('Summary of the earlier conversation')) return 'Summary';
    if (text.startsWith('Reference snippets')) return 'Reference snippets';
    return 'System prompt';
  }
  return 'Conversation';
}

/** The context grouped into its parts, each with its messages and tokens. */
function parts(context, model) {
  const per = countMessages(context, { model }).perMessage;
  const out = [];
  context.forEach((m, i) => {
    const name = partOf(m);
    const last = out.at(-1);
    if (last && last.name === name) { last.messages.push(m); last.tokens += per[i]; } else out.push({ name, messages: [m], tokens: per[i] });
  });
  return out;
}

/** Renders `preview` (from session.plan()) and `facts` into `box`; `onSource(seq)` shows a message. */
export function renderInspector(box, { preview, facts, onSource }) {
  const p = preview;
  const header = h('p', { class: 'small' },
    `Next turn → ${p.model}: ${num(p.tokens)} of ${num(p.limit)} usable tokens (${pct(p.utilization)}), ${p.riskLevel}`,
    p.condensationNeeded ? ` — will be condensed (${p.plan.strategy})` : ' — sent as is', p.memory ? `; ${p.memory} memory hit(s)` : '');
  const route = h('p', { class: 'small muted' }, `Why this model: ${p.reason}`);
  const list = h('div', { class: 'parts' });
  for (const part of parts(p.context ?? [], p.model)) {
    const body = h('div', { class: 'part-body' });
    for (const m of part.messages) body.append(h('div', { class: 'part-msg' }, h('b', {}, `${m.role}: `), h('span', {}, textOf(m).slice(0, 4000))));
    list.append(h('details', { class: 'part' }, h('summary', {}, `${part.name} · ${part.messages.length} message(s) · ${num(part.tokens)} tokens`), body));
  }
  const plan = p.plan;
  const counts = plan.messages.reduce((a, m) => ({ ...a, [m.action]: (a[m.action] ?? 0) + 1 }), {});
  const rows = h('tbody');
  for (const m of plan.messages.filter((x) => x.action !== 'keep').slice(-200)) {
    rows.append(h('tr', { 'data-action': m.action }, h('td', {}, String(m.index)), h('td', {}, m.role), h('td', {}, m.action), h('td', {}, num(m.tokens)), h('td', {}, m.reason)));
  }
  const planBox = h('details', { class: 'plan' },
    h('summary', {}, `Dry-run plan (${plan.strategy}): ${num(plan.tokensBefore)} → ≤ ${num(plan.tokensAfter)} tokens; ` + Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')),
    h('p', { class: 'small' }, 'Sections: ' + plan.sections.map((s) => `${s.name} ${num(s.tokens)}/${num(s.budget)}`).join(' · ')),
    rows.children.length ? h('table', {}, h('thead', {}, h('tr', {}, ...['#', 'role', 'action', 'tokens', 'reason'].map((t) => h('th', {}, t)))), rows) : h('p', { class: 'small' }, 'Every message is kept verbatim.'));
  const ledger = h('ul', { class: 'facts' });
  for (const f of facts.filter((x) => !x.supersededBy).slice(-60).reverse()) {
    const li = h('li', {}, h('span', { class: 'kind' }, f.kind.replaceAll('_', ' ')), ' ', f.text, ' ');
    for (const seq of f.source ?? []) {
      li.append(h('button', { type: 'button', class: 'link', 'aria-label': `Show message ${seq}`, onclick: () => onSource(seq) }, `#${seq}`), ' ');
    }
    ledger.append(li);
  }
  box.replaceChildren(
    h('h2', {}, 'Context inspector'), header, route,
    h('h3', {}, 'What the next turn sends'), list, planBox,
    h('h3', {}, `Facts ledger (${facts.filter((x) => !x.supersededBy).length})`),
    ledger.children.length ? ledger : h('p', { class: 'small muted' }, 'No facts yet: they are taken from the conversation as it grows.'));
}

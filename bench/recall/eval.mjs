// What condensation keeps: recall of facts on conversations no heuristic was tuned on (issue 15).
//
//   node bench/recall/eval.mjs [--set dev|heldout|heldout2|heldout3|heldout4|heldout5|all] [--json] [--no-timing]
//
// Each conversation (bench/recall/conversations, built by generate.mjs) is condensed to 25 % of its
// tokens (countMessages, gpt-4o) by contextwise's `extractive` and `truncate` strategies and by two
// baselines implemented here — first-200-characters (seed 002's fallback) and keep-last-N. A fact
// is kept when one of its answer strings occurs (case-insensitive, whitespace-normalized) in the
// condensed context: every message's content, the summary / facts blocks the library inserted,
// tool-call arguments. A changed fact is kept only when a new value occurs after the last
// occurrence of every old value. When `condense(…, { recallTool: true })` returns a `recall(query)`
// function, a "recall tool" column counts a fact when an answer string occurs in the passages
// returned for the fact's question, and "context + recall" when it is in the condensed context the
// model reads or in those passages (what is within the model's reach with the tool).
// Numbers are measurements; nothing here is asserted (tests/js/recall-eval.test.mjs checks the data).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HERE, SETS, loadSet, norm, messageText, contextText, factKept, CONVERSATION_KINDS, FACT_KINDS } from './lib.mjs';

const MODEL = 'gpt-4o';
const RATIO = 0.25;
const KEEP_RECENT = 8; // contextwise's default keepRecent; the baselines keep the same recent part

const pct = (k, n) => (n ? `${((100 * k) / n).toFixed(0)} %` : '–');
const fmtInt = (n) => n.toLocaleString('en-US');

/** The built package (pkg/node), with the o200k_base ranks loaded. */
export async function loadPackage() {
  const cw = await import(pathToFileURL(path.join(HERE, '../../pkg/node/index.mjs')).href);
  await cw.loadEncoding('o200k_base');
  return cw;
}

/** Where the verbatim recent part starts: the last KEEP_RECENT messages, moved back so it starts with a user message. */
function recentStart(messages) {
  let i = Math.max(1, messages.length - KEEP_RECENT);
  while (i > 1 && messages[i].role !== 'user') i--;
  return i;
}

/** seed 002's fallback: system + recent verbatim; older messages cut to their first 200 characters, newest first, while they fit. */
function firstChars(cw, messages, target, n = 200) {
  const sys = messages[0].role === 'system' ? [messages[0]] : [];
  const start = recentStart(messages);
  const recent = messages.slice(start);
  const base = cw.countMessages([...sys, ...recent], { model: MODEL }).total;
  const older = messages.slice(sys.length, start).map((m) => ({ role: m.role === 'tool' ? 'user' : m.role, content: messageText(m).slice(0, n) }));
  const per = cw.countMessages(older, { model: MODEL }).perMessage;
  const picked = [];
  let used = base;
  for (let i = older.length - 1; i >= 0; i--) {
    if (used + per[i] > target) break;
    used += per[i];
    picked.unshift(older[i]);
  }
  let out = [...sys, ...picked, ...recent];
  while (picked.length && cw.countMessages(out, { model: MODEL }).total > target) { picked.shift(); out = [...sys, ...picked, ...recent]; }
  return out;
}

/** keep-last-N: system + the last N whole messages that fit the budget (no orphan tool result first). */
function keepLast(cw, messages, target) {
  const sys = messages[0].role === 'system' ? [messages[0]] : [];
  const per = cw.countMessages(messages, { model: MODEL }).perMessage;
  let used = cw.countMessages(sys, { model: MODEL }).total;
  let i = messages.length;
  while (i - 1 >= sys.length && used + per[i - 1] <= target) { i--; used += per[i]; }
  while (i < messages.length && messages[i].role === 'tool') i++;
  let out = [...sys, ...messages.slice(i)];
  while (out.length > sys.length + 1 && cw.countMessages(out, { model: MODEL }).total > target) { out.splice(sys.length, 1); }
  return out;
}

const STRATEGIES = ['extractive', 'truncate', 'first-200-chars', 'keep-last-N'];

async function condenseWith(cw, name, messages, target) {
  if (name === 'first-200-chars') return { messages: firstChars(cw, messages, target) };
  if (name === 'keep-last-N') return { messages: keepLast(cw, messages, target) };
  const t = performance.now();
  const r = await cw.condense(messages, { model: MODEL, target, strategy: name, force: true });
  return { messages: r.messages, ms: performance.now() - t, metrics: r.metrics };
}

/** The recall-tool column: undefined when the package has no recall tool. */
async function recallTool(cw, messages, target, facts) {
  let r;
  try {
    r = await cw.condense(messages, { model: MODEL, target, force: true, recallTool: true });
  } catch {
    return undefined;
  }
  if (typeof r?.recall !== 'function') return undefined;
  const kept = {};
  const reach = {};
  const context = contextText(r.messages);
  for (const f of facts) {
    const passages = (await r.recall(f.question)) ?? [];
    const text = norm(passages.map((p) => (typeof p === 'string' ? p : p.text ?? '')).join('\n'));
    kept[f.id] = f.answer.some((a) => text.includes(norm(a)));
    // within reach: in the condensed context the model reads, or in what one search returns
    reach[f.id] = kept[f.id] || factKept(context, f);
  }
  return { kept, reach, tokens: cw.countMessages(r.messages, { model: MODEL }).total };
}

function table(log, header, rows) {
  log(`| ${header.join(' | ')} |`);
  log(`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  for (const r of rows) log(`| ${r.join(' | ')} |`);
}

/** A 10,000-message session: the dev conversations one after another (system prompt once), cut after a whole turn. */
function longSession(convs, n = 10000) {
  const out = [convs[0].messages[0]];
  for (let k = 0; out.length < n + 400; k++) {
    const c = convs[k % convs.length];
    for (const m of c.messages) if (m.role !== 'system') out.push(m);
  }
  let end = n;
  while (out[end - 1]?.role !== 'user') end++; // end on a user's question, at n messages or just after
  return out.slice(0, end);
}

export async function runRecallEval({ set = 'dev', timing = true, log = console.log } = {}) {
  const cw = await loadPackage();
  const convs = loadSet(set);
  const results = [];
  let hasTool = false;
  for (const c of convs) {
    const tokens = cw.countMessages(c.messages, { model: MODEL }).total;
    const target = Math.floor(tokens * RATIO);
    const row = { id: c.id, kind: c.kind, split: c.split, messages: c.messages.length, facts: c.facts.length, tokens, target, strategies: {} };
    for (const name of STRATEGIES) {
      const r = await condenseWith(cw, name, c.messages, target);
      const text = contextText(r.messages);
      const kept = Object.fromEntries(c.facts.map((f) => [f.id, factKept(text, f)]));
      const after = cw.countMessages(r.messages, { model: MODEL }).total;
      row.strategies[name] = { tokens: after, overTarget: after > target, kept, ms: r.ms };
    }
    const tool = await recallTool(cw, c.messages, target, c.facts);
    if (tool) {
      hasTool = true;
      row.strategies['recall tool'] = { tokens: tool.tokens, overTarget: tool.tokens > target, kept: tool.kept };
      row.strategies['context + recall'] = { tokens: tool.tokens, overTarget: tool.tokens > target, kept: tool.reach };
    }
    results.push({ row, conv: c });
  }
  const cols = hasTool ? [...STRATEGIES, 'recall tool', 'context + recall'] : STRATEGIES;

  // aggregate
  const agg = (filterConv, filterFact) => {
    const out = {};
    for (const s of cols) {
      let k = 0;
      let n = 0;
      for (const { row, conv } of results) {
        if (!filterConv(conv)) continue;
        for (const f of conv.facts) {
          if (!filterFact(f)) continue;
          n++;
          if (row.strategies[s]?.kept[f.id]) k++;
        }
      }
      out[s] = { kept: k, total: n };
    }
    return out;
  };
  const byConvKind = Object.fromEntries(CONVERSATION_KINDS.map((k) => [k, agg((c) => c.kind === k, () => true)]));
  const byFactKind = Object.fromEntries(FACT_KINDS.map((k) => [k, agg(() => true, (f) => f.kind === k)]));
  const overall = agg(() => true, () => true);
  const changed = agg(() => true, (f) => !!f.old);

  log(`Recall of stated facts at ${RATIO * 100} % of each conversation's tokens (${MODEL}); set: ${set}, ${results.length} conversations, ${overall[cols[0]].total} facts.`);
  log('');
  log('### By conversation');
  log('');
  table(log, ['conversation', 'kind', 'messages', 'tokens', 'target', ...cols], results.map(({ row }) => [
    row.id, row.kind, fmtInt(row.messages), fmtInt(row.tokens), fmtInt(row.target),
    ...cols.map((s) => { const st = row.strategies[s]; const k = Object.values(st.kept).filter(Boolean).length; return `${pct(k, row.facts)} (${k}/${row.facts})`; }),
  ]));
  log('');
  log('### By conversation kind (recall %)');
  log('');
  table(log, ['kind', ...cols], [
    ...CONVERSATION_KINDS.filter((k) => byConvKind[k][cols[0]].total).map((k) => [k, ...cols.map((s) => pct(byConvKind[k][s].kept, byConvKind[k][s].total))]),
    ['**overall**', ...cols.map((s) => `**${pct(overall[s].kept, overall[s].total)}**`)],
  ]);
  log('');
  log('### By fact kind (recall %, facts per kind in parentheses)');
  log('');
  table(log, ['fact kind', ...cols], [
    ...FACT_KINDS.filter((k) => byFactKind[k][cols[0]].total).map((k) => [`${k} (${byFactKind[k][cols[0]].total})`, ...cols.map((s) => pct(byFactKind[k][s].kept, byFactKind[k][s].total))]),
    [`changed facts, newest value (${changed[cols[0]].total})`, ...cols.map((s) => pct(changed[s].kept, changed[s].total))],
  ]);
  log('');
  log('### Tokens after condensation (target = 25 % of the conversation)');
  log('');
  table(log, ['conversation', 'target', ...cols], results.map(({ row }) => [
    row.id, fmtInt(row.target), ...cols.map((s) => { const st = row.strategies[s]; return `${fmtInt(st.tokens)}${st.overTarget ? ' **OVER**' : ''}`; }),
  ]));
  const over = results.flatMap(({ row }) => cols.filter((s) => row.strategies[s].overTarget).map((s) => `${row.id}/${s}`));
  log('');
  log(over.length ? `Over the target: ${over.join(', ')}.` : 'Every strategy stayed within the target on every conversation.');
  if (!hasTool) log('(No recall tool in this build: `condense(…, { recallTool: true })` returned no `recall` function.)');

  let timingResult;
  if (timing) {
    const dev = loadSet('dev');
    const msgs = longSession(dev);
    const tokens = cw.countMessages(msgs, { model: MODEL }).total;
    const target = Math.floor(tokens * RATIO);
    const distinct = new Set(msgs.map((m) => JSON.stringify(m))).size;
    const runs = [];
    cw.configureCountCache({ clear: true });
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      await cw.condense(msgs, { model: MODEL, target, strategy: 'extractive', force: true });
      runs.push(performance.now() - t);
    }
    const sorted = [...runs].sort((a, b) => a - b);
    timingResult = { messages: msgs.length, distinctMessages: distinct, tokens, target, runsMs: runs, medianMs: sorted[1] };
    log('');
    log(`Extractive condensation of a ${fmtInt(msgs.length)}-message session (the dev conversations one after another, ${fmtInt(distinct)} distinct messages, ${fmtInt(tokens)} tokens) to 25 %: ${runs.map((x) => `${x.toFixed(0)} ms`).join(', ')} (count cache cleared before the first run; median ${sorted[1].toFixed(0)} ms).`);
  }

  const perFact = results.map(({ row, conv }) => ({
    ...row,
    strategies: Object.fromEntries(Object.entries(row.strategies).map(([s, st]) => [s, { tokens: st.tokens, overTarget: st.overTarget, kept: Object.values(st.kept).filter(Boolean).length, facts: st.kept }])),
    factKinds: Object.fromEntries(conv.facts.map((f) => [f.id, f.kind])),
  }));
  return { model: MODEL, ratio: RATIO, set, strategies: cols, conversations: perFact, byConversationKind: byConvKind, byFactKind, overall, changed, timing: timingResult };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--set');
  const set = i >= 0 ? args[i + 1] : 'dev';
  if (![...SETS, 'all'].includes(set)) { console.error(`--set ${[...SETS, 'all'].join('|')}`); process.exit(2); }
  const json = args.includes('--json');
  const res = await runRecallEval({ set, timing: !args.includes('--no-timing'), log: json ? () => {} : console.log });
  if (json) console.log(JSON.stringify(res, null, 2));
}

// Owner and retry-policy statements inserted into real conversations (issue 15).
//
//   node bench/recall/probes.mjs [--share 0.10] [--per 12] [--json]
//
// bench/recall/probes/owners-retries.json: 72 chat messages (36 saying who owns or looks after
// something, 36 stating a retry policy) in 27 languages, written by a helper that did not read
// the extractor — directly, by area, attributed, as a table or list row, as a correction, inside a
// config or a code comment shown in chat, in a longer paragraph. They are a development set: the
// extractor was improved with them in view (2026-11-29), so they show what it handles, not a fair
// measure. Each group of `per` statements is inserted at seeded random places in the first 70 % of
// one dev conversation (never between a tool call and its result), which is then condensed to
// `share` of its tokens with `extractive` and `recallTool: true`. A statement counts as kept when
// one of its answer strings is in the condensed context, and as found when one is in the
// passages recall(question) returns. Numbers are measurements; nothing here is asserted.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HERE, loadSet, contextText, norm } from './lib.mjs';
import { loadPackage } from './eval.mjs';

export const PROBES = path.join(HERE, 'probes/owners-retries.json');

export async function runProbes({ share = 0.1, per = 12, log = console.log } = {}) {
  const cw = await loadPackage();
  const items = JSON.parse(fs.readFileSync(PROBES, 'utf8'));
  const convs = loadSet('dev');
  let seed = 11;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const byKind = {};
  const misses = [];
  for (let g = 0; g * per < items.length; g++) {
    const group = items.slice(g * per, (g + 1) * per);
    const c = convs[g % convs.length];
    const msgs = c.messages.slice();
    for (const it of group) {
      let pos;
      for (;;) {
        pos = 1 + Math.floor(msgs.length * (0.05 + 0.6 * rnd()));
        const prev = msgs[pos - 1];
        const calls = prev.role === 'assistant' && (prev.tool_calls?.length || (Array.isArray(prev.content) && prev.content.some((p) => p.type === 'tool_use')));
        if (!calls && msgs[pos]?.role !== 'tool') break;
      }
      msgs.splice(pos, 0, { role: it.role, content: it.text });
    }
    const tokens = cw.countMessages(msgs, { model: 'gpt-4o' }).total;
    const r = await cw.condense(msgs, { model: 'gpt-4o', target: Math.floor(tokens * share), force: true, strategy: 'extractive', recallTool: true });
    const ctx = contextText(r.messages);
    for (const it of group) {
      const kept = it.answer.some((a) => ctx.includes(norm(a)));
      const passages = norm(r.recall(it.question).map((p) => p.text).join('\n'));
      const found = it.answer.some((a) => passages.includes(norm(a)));
      const k = (byKind[it.kind] ??= { n: 0, kept: 0, found: 0 });
      k.n++;
      k.kept += kept;
      k.found += found;
      if (!kept) misses.push(`${it.kind}/${it.lang}: ${JSON.stringify(it.answer[0])}`);
    }
  }
  const pct = (a, n) => `${((100 * a) / n).toFixed(0)} %`;
  log(`| kind | statements | kept in the context (extractive, ${Math.round(share * 100)} %) | found by recall(question) |`);
  log('|---|---:|---:|---:|');
  const all = { n: 0, kept: 0, found: 0 };
  for (const [kind, k] of Object.entries(byKind)) {
    log(`| ${kind} | ${k.n} | ${pct(k.kept, k.n)} | ${pct(k.found, k.n)} |`);
    for (const f of ['n', 'kept', 'found']) all[f] += k[f];
  }
  log(`| **all** | ${all.n} | **${pct(all.kept, all.n)}** | **${pct(all.found, all.n)}** |`);
  log();
  log(`Not kept: ${misses.join(', ') || 'none'}.`);
  return { byKind, misses };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name, d) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  const r = await runProbes({ share: arg('--share', 0.1), per: arg('--per', 12), log: process.argv.includes('--json') ? () => {} : console.log });
  if (process.argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
}

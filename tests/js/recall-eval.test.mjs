// The recall evaluation's DATA (bench/recall): every conversation loads and is well formed, every
// fact is stated where it says and nowhere in the filler, changed facts change in order, every
// split (dev, heldout, heldout2, heldout3, heldout4 and heldout5) covers the six conversation kinds
// with its own facts and sources, and the committed
// files are what generate.mjs builds. No recall number is asserted here (those are measurements,
// printed by `node bench/recall/eval.mjs` and `npm run bench`).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { HERE, SETS, loadSet, norm, messageText, contextText, factKept, CONVERSATION_KINDS, FACT_KINDS } from '../../bench/recall/lib.mjs';

const dev = loadSet('dev');
const heldout = loadSet('heldout');
const heldout2 = loadSet('heldout2');
const heldout3 = loadSet('heldout3');
const heldout4 = loadSet('heldout4');
const heldout5 = loadSet('heldout5');
const HALVES = [['dev', dev], ['heldout', heldout], ['heldout2', heldout2], ['heldout3', heldout3], ['heldout4', heldout4], ['heldout5', heldout5]];
const all = [...dev, ...heldout, ...heldout2, ...heldout3, ...heldout4, ...heldout5];
const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

test('thirty-six conversations: one of each kind in each split, 300–1,500 messages each', () => {
  assert.deepEqual(SETS, HALVES.map(([name]) => name), 'the splits are dev, heldout, heldout2, heldout3, heldout4 and heldout5');
  assert.ok(all.length >= 36, `${all.length} conversations`);
  assert.equal(loadSet('all').length, all.length, "--set all loads every split");
  for (const [split, half] of HALVES) {
    assert.equal(half.length, CONVERSATION_KINDS.length, `${split}: one conversation per kind`);
    assert.deepEqual([...new Set(half.map((c) => c.kind))].sort(), [...CONVERSATION_KINDS].sort(), `${split} covers the six kinds`);
    for (const c of half) assert.equal(c.split, split, `${c.id} lies in the ${split} folder`);
  }
  for (const c of all) {
    assert.ok(c.messages.length >= 300 && c.messages.length <= 1500, `${c.id}: ${c.messages.length} messages`);
    assert.ok(typeof c.id === 'string' && c.id && typeof c.title === 'string' && c.title, `${c.id}: id and title`);
    assert.ok(Array.isArray(c.sources) && c.sources.length > 0, `${c.id}: names its sources`);
  }
  assert.equal(new Set(all.map((c) => c.id)).size, all.length, 'ids are unique');
});

test('roles are valid and every tool call is paired with exactly one result', () => {
  for (const c of all) {
    const m = c.messages;
    assert.equal(m[0].role, 'system', `${c.id}: starts with the system prompt`);
    assert.equal(m.at(-1).role, 'user', `${c.id}: ends with the user's request`);
    const open = new Map(); // id → index of the calling message
    m.forEach((x, i) => {
      assert.ok(ROLES.has(x.role), `${c.id}#${i}: role ${x.role}`);
      if (i > 0) assert.notEqual(x.role, 'system', `${c.id}#${i}: a system message only first`);
      if (x.role === 'tool') {
        assert.ok(open.has(x.tool_call_id), `${c.id}#${i}: tool result ${x.tool_call_id} has a call before it`);
        open.delete(x.tool_call_id);
        assert.equal(typeof x.content, 'string');
      } else {
        assert.equal(open.size, 0, `${c.id}#${i}: every call of the previous assistant message was answered`);
      }
      if (x.tool_calls) {
        assert.equal(x.role, 'assistant', `${c.id}#${i}: only the assistant calls tools`);
        for (const call of x.tool_calls) {
          assert.equal(call.type, 'function');
          assert.ok(!open.has(call.id), `${c.id}#${i}: call id ${call.id} is unique`);
          open.set(call.id, i);
          assert.doesNotThrow(() => JSON.parse(call.function.arguments), `${c.id}#${i}: arguments are JSON`);
        }
      } else if (x.role !== 'tool') {
        assert.ok(typeof x.content === 'string' && x.content.trim(), `${c.id}#${i}: non-empty content`);
      }
    });
    assert.equal(open.size, 0, `${c.id}: no call is left without its result`);
    const ids = m.flatMap((x) => (x.tool_calls ?? []).map((t) => t.id));
    assert.equal(new Set(ids).size, ids.length, `${c.id}: tool call ids are unique`);
  }
});

test('facts: 15–25 per conversation, well formed, stated at their turns and nowhere in the filler', () => {
  for (const c of all) {
    assert.ok(c.facts.length >= 15 && c.facts.length <= 25, `${c.id}: ${c.facts.length} facts`);
    assert.equal(new Set(c.facts.map((f) => f.id)).size, c.facts.length, `${c.id}: fact ids are unique`);
    assert.ok(c.facts.some((f) => f.old?.length), `${c.id}: at least one fact changes`);
    const texts = c.messages.map((m) => norm(messageText(m)));
    const limit = 0.7 * c.messages.length;
    const last = texts.at(-1);
    for (const f of c.facts) {
      const where = `${c.id}/${f.id}`;
      assert.ok(FACT_KINDS.includes(f.kind), `${where}: kind ${f.kind}`);
      assert.ok(typeof f.question === 'string' && f.question.trim().length > 5, `${where}: a question`);
      assert.ok(Array.isArray(f.answer) && f.answer.length && f.answer.every((a) => typeof a === 'string' && a.trim().length >= 3), `${where}: answer strings`);
      assert.ok(Array.isArray(f.turns) && f.turns.length, `${where}: turns`);
      const news = f.answer.map(norm);
      const olds = (f.old ?? []).map(norm);
      for (const t of f.turns) {
        assert.ok(Number.isInteger(t) && t > 0 && t < c.messages.length, `${where}: turn ${t}`);
        assert.ok(t < limit, `${where}: turn ${t} in the first 70 % of ${c.messages.length}`);
        assert.ok([...news, ...olds].some((v) => texts[t].includes(v)), `${where}: message ${t} states a value`);
      }
      const newTurns = f.turns.filter((t) => news.some((v) => texts[t].includes(v)));
      assert.ok(newTurns.length, `${where}: the answer occurs at one of its turns`);
      // no value in any other message: a string match in the condensed context means this fact
      const own = new Set(f.turns);
      texts.forEach((t, i) => {
        if (own.has(i)) return;
        for (const v of [...news, ...olds]) assert.ok(!t.includes(v), `${where}: "${v}" also occurs in message ${i}, which is not one of its turns`);
      });
      assert.ok(!news.some((v) => last.includes(v)), `${where}: the final request does not state it`);
      assert.notEqual(norm(c.messages.at(-1).content), norm(f.question), `${where}: the final request is not its question`);
      if (olds.length) {
        const oldTurns = f.turns.filter((t) => olds.some((v) => texts[t].includes(v)));
        assert.ok(oldTurns.length, `${where}: the old value is stated`);
        assert.ok(Math.min(...oldTurns) < Math.min(...newTurns), `${where}: the old value comes first (${oldTurns} before ${newTurns})`);
        assert.ok(Math.max(...newTurns) > Math.max(...oldTurns), `${where}: the new value is the last word`);
      }
    }
  }
});

test('the whole, uncondensed conversation keeps every fact (the matching rule is sound)', () => {
  for (const c of all) {
    const text = contextText(c.messages);
    for (const f of c.facts) assert.ok(factKept(text, f), `${c.id}/${f.id}`);
    // and a context without the fact's turns keeps none of it
    const own = new Set(c.facts.flatMap((f) => f.turns));
    const rest = contextText(c.messages.filter((_, i) => !own.has(i)));
    for (const f of c.facts) assert.ok(!f.answer.some((a) => rest.includes(norm(a))), `${c.id}/${f.id}: only its turns state it`);
  }
});

test('the splits share no fact, no value and no source excerpt; each covers every fact kind', () => {
  const values = (half) => new Set(half.flatMap((c) => c.facts.flatMap((f) => [...f.answer, ...(f.old ?? [])].map(norm))));
  const questions = (half) => new Set(half.flatMap((c) => c.facts.map((f) => norm(f.question))));
  const sources = (half) => new Set(half.flatMap((c) => c.sources));
  const sourceFiles = (half) => new Set(half.flatMap((c) => c.sources.map((s) => s.split(':')[0])));
  for (const [i, [a, ha]] of HALVES.entries()) {
    for (const [b, hb] of HALVES.slice(i + 1)) {
      const va = values(ha);
      for (const v of values(hb)) assert.ok(!va.has(v), `value "${v}" in ${a} and ${b}`);
      const qa = questions(ha);
      for (const q of questions(hb)) assert.ok(!qa.has(q), `question "${q}" in ${a} and ${b}`);
      const sa = sources(ha);
      for (const s of sources(hb)) assert.ok(!sa.has(s), `source ${s} in ${a} and ${b}`);
      const fa = sourceFiles(ha);
      for (const f of sourceFiles(hb)) assert.ok(!fa.has(f), `source file ${f} feeds ${a} and ${b}`);
    }
  }
  for (const [split, half] of HALVES) {
    for (const c of half) for (const s of c.sources) assert.ok(s.startsWith(`${s.split(':')[0].replace(/-[a-z0-9]+\.txt$/, '')}-${split}.txt`), `${c.id}: ${s} is a ${split} source`);
    for (const c of half) {
      assert.deepEqual([...new Set(c.facts.map((f) => f.kind))].sort(), [...FACT_KINDS].sort(), `${split}/${c.id}: one fact of each kind`);
    }
  }
});

test('heldout2 states facts in varied ways: inside longer messages, accepted tersely, in five other languages', () => {
  for (const c of heldout2) {
    const texts = c.messages.map(messageText);
    // at least a few facts sit in a user message of three or more sentences
    const inParagraph = c.facts.filter((f) => f.turns.some((t) => c.messages[t].role === 'user' && (texts[t].match(/[.!?。？！](\s|$)/g) ?? []).length >= 3));
    assert.ok(inParagraph.length >= 3, `${c.id}: ${inParagraph.length} facts stated inside a longer user message`);
    // at least one fact proposed by the assistant and then accepted in a short user reply
    const accepted = c.facts.filter((f) => (f.askedIn ?? []).some((t) => c.messages[t].role === 'user' && texts[t].length <= 40));
    assert.ok(accepted.length >= 1, `${c.id}: a fact accepted with a short reply`);
  }
  const ml = heldout2.find((c) => c.kind === 'multilingual');
  const langs = new Set(ml.facts.map((f) => f.lang).filter((l) => l && l !== 'en'));
  assert.ok(langs.size >= 5, `multilingual heldout2 states facts in ${[...langs]} (five non-English languages)`);
  for (const l of ['de', 'fr', 'es', 'ja', 'ru']) assert.ok(!langs.has(l), `heldout2 uses languages the other splits do not (${l})`);
});

const sentenceEnds = (t) => (t.match(/[.!?。？！](\s|$)/g) ?? []).length;

/**
 * What heldout3 and later halves require of each conversation: facts inside longer user messages,
 * accepted with a short reply, asked a turn before the value, at least two changed facts, questions
 * that do not contain their answer, no "Decision:" labels. Returns the number of accepted facts.
 */
function lessLiterally(c, texts) {
  const inParagraph = c.facts.filter((f) => f.turns.some((t) => c.messages[t].role === 'user' && sentenceEnds(texts[t]) >= 3));
  assert.ok(inParagraph.length >= 4, `${c.id}: ${inParagraph.length} facts stated inside a longer user message`);
  // proposed by the assistant and accepted with a short reply (the reply may also be woven into a longer message)
  const accepted = c.facts.filter((f) => (f.askedIn ?? []).some((t) => c.messages[t].role === 'user' && texts[t].length <= 40));
  assert.ok(accepted.length >= 1, `${c.id}: ${accepted.length} facts proposed and accepted with a short reply`);
  const twoTurns = c.facts.filter((f) => (f.askedIn ?? []).some((t) => t < Math.min(...f.turns)));
  assert.ok(twoTurns.length >= 2, `${c.id}: ${twoTurns.length} facts asked or announced a turn before the value comes`);
  assert.ok(c.facts.filter((f) => f.old?.length).length >= 2, `${c.id}: at least two facts change`);
  for (const f of c.facts) {
    const q = norm(f.question);
    for (const a of f.answer) assert.ok(!q.includes(norm(a)), `${c.id}/${f.id}: the question does not contain its answer`);
    for (const t of [...f.turns, ...(f.askedIn ?? [])]) assert.ok(!/\bdecision:/i.test(texts[t]), `${c.id}/${f.id}: no "Decision:" label`);
  }
  return accepted.length;
}

/** Values in tool calls in the coding and agent runs; six non-English languages, one of them new. */
function callsAndLanguages(name, split, earlier) {
  for (const c of split.filter((x) => x.kind === 'coding' || x.kind === 'agent')) {
    const inCalls = c.facts.filter((f) => f.turns.some((t) => c.messages[t].role === 'tool' || c.messages[t].tool_calls));
    assert.ok(inCalls.length >= 3, `${c.id}: ${inCalls.length} facts whose value is in a tool call or its result`);
  }
  const ml = split.find((c) => c.kind === 'multilingual');
  const langs = new Set(ml.facts.map((f) => f.lang).filter((l) => l && l !== 'en'));
  assert.ok(langs.size >= 6, `multilingual ${name} states facts in ${[...langs]} (six non-English languages)`);
  const before = new Set(earlier.filter((c) => c.kind === 'multilingual').flatMap((c) => c.facts.map((f) => f.lang)));
  assert.ok([...langs].some((l) => !before.has(l)), `${name} adds a language no earlier split states facts in`);
}

test('heldout3 states facts less literally still: paraphrased questions, changes, two-turn answers, tool calls, six languages', () => {
  let acceptedTotal = 0;
  for (const c of heldout3) acceptedTotal += lessLiterally(c, c.messages.map(messageText));
  assert.ok(acceptedTotal >= 8, `heldout3: ${acceptedTotal} facts accepted with a short reply`);
  callsAndLanguages('heldout3', heldout3, [...dev, ...heldout, ...heldout2]);
});

/**
 * What heldout4 and later halves require: everything of lessLiterally, updates that never repeat the
 * superseded value, a value on a row of a pasted table or list, restated confirmations, thousands
 * separators, corrections in one sentence, attributed values, values only in tool calls.
 */
function heldout4Patterns(name, split, earlier) {
  const userTurns = (c, f) => f.turns.filter((t) => c.messages[t].role === 'user');
  const asstTurns = (c, f) => f.turns.filter((t) => c.messages[t].role === 'assistant' && !c.messages[t].tool_calls);
  let acceptedTotal = 0;
  let corrected = 0;
  let attributed = 0;
  for (const c of split) {
    const texts = c.messages.map(messageText);
    const ntexts = texts.map(norm);
    // what heldout3 already required
    acceptedTotal += lessLiterally(c, texts);
    for (const f of c.facts.filter((x) => x.old?.length)) {
      // the update never repeats the superseded value: no message states both
      const news = f.answer.map(norm);
      const olds = f.old.map(norm);
      for (const t of f.turns) assert.ok(!(news.some((v) => ntexts[t].includes(v)) && olds.some((v) => ntexts[t].includes(v))), `${c.id}/${f.id}: message ${t} states the old and the new value`);
    }
    // a value on a row of a table or list the user pastes
    const inTable = c.facts.filter((f) => userTurns(c, f).some((t) => texts[t].split('\n').some((line) => /^\s*(\|.*\||- .+)\s*$/.test(line) && f.answer.some((a) => norm(line).includes(norm(a))))));
    assert.ok(inTable.length >= 1, `${c.id}: ${inTable.length} facts whose value sits in a pasted table or list`);
    // a value the assistant confirms in other words: the user states one answer variant, the assistant another
    const restated = c.facts.filter((f) => f.answer.length >= 2 && userTurns(c, f).some((u) => asstTurns(c, f).some((a) => f.answer.some((x) => ntexts[u].includes(norm(x)) && !ntexts[a].includes(norm(x))) && f.answer.some((y) => ntexts[a].includes(norm(y)) && !ntexts[u].includes(norm(y))))));
    assert.ok(restated.length >= 1, `${c.id}: ${restated.length} facts the assistant confirms by restating them differently`);
    // a number written with a thousands separator ("2,500", "12 000")
    const thousands = c.facts.filter((f) => f.answer.some((a) => /\d[, ]\d{3}\b/.test(a)));
    assert.ok(thousands.length >= 1, `${c.id}: ${thousands.length} facts with a thousands separator in the value`);
    // a value given as a correction of another one in the same sentence ("not on the 14th but on the 16th")
    corrected += c.facts.filter((f) => f.turns.some((t) => f.answer.some((a) => {
      const i = ntexts[t].indexOf(norm(a));
      return i >= 0 && /\bnot\b[^.!?\n]*$/.test(ntexts[t].slice(Math.max(0, i - 100), i));
    }))).length;
    // a value the user attributes to someone else ("Priyanka said ...")
    attributed += c.facts.filter((f) => userTurns(c, f).some((t) => /\b(said|says|told|mentioned)\b/i.test(texts[t]))).length;
  }
  assert.ok(acceptedTotal >= 8, `${name}: ${acceptedTotal} facts accepted with a short reply`);
  assert.ok(corrected >= 4, `${name}: ${corrected} facts stated as a correction ("not X — Y")`);
  assert.ok(attributed >= 6, `${name}: ${attributed} facts attributed to someone else`);
  callsAndLanguages(name, split, earlier);
  for (const c of split.filter((x) => x.kind === 'coding' || x.kind === 'agent')) {
    const onlyInCalls = c.facts.filter((f) => f.turns.every((t) => c.messages[t].role === 'tool' || c.messages[t].tool_calls));
    assert.ok(onlyInCalls.length >= 3, `${c.id}: ${onlyInCalls.length} facts whose value is only in tool calls or results`);
  }
}

test('heldout4 adds corrections, pasted tables, attributed and restated values, thousands separators, six new languages', () => {
  heldout4Patterns('heldout4', heldout4, [...dev, ...heldout, ...heldout2, ...heldout3]);
});

test('heldout5 keeps every heldout4 pattern with new facts and sources, owners named by role, retry policies in prose, configs and code', () => {
  heldout4Patterns('heldout5', heldout5, [...dev, ...heldout, ...heldout2, ...heldout3, ...heldout4]);
  // no value of heldout5 equals or is part of a value of an earlier split
  const earlierValues = [...dev, ...heldout, ...heldout2, ...heldout3, ...heldout4].flatMap((c) => c.facts.flatMap((f) => [...f.answer, ...(f.old ?? [])].map(norm)));
  for (const c of heldout5) for (const f of c.facts) for (const v of [...f.answer, ...(f.old ?? [])].map(norm)) {
    assert.ok(!earlierValues.some((e) => e.includes(v)), `${c.id}/${f.id}: "${v}" is (part of) an earlier split's value`);
  }
  // owners named by role or area ("anything about the RSS feeds goes to …") or in a pasted contact sheet
  const owners = heldout5.flatMap((c) => c.facts.filter((f) => f.kind === 'owner').map((f) => [c, f]));
  const byRole = owners.filter(([c, f]) => f.turns.some((t) => /\bgoes to\b|\|/.test(messageText(c.messages[t]))));
  assert.ok(byRole.length >= 4, `heldout5: ${byRole.length} owners named by role or in a contact sheet`);
  // retry policies stated in prose, in a configuration file or command output, and in code
  const retries = heldout5.flatMap((c) => c.facts.filter((f) => f.kind === 'retry_policy').map((f) => [c, f]));
  const inCode = retries.filter(([c, f]) => f.turns.some((t) => c.messages[t].tool_calls && /\b(def|import|Retry)\b/.test(messageText(c.messages[t]))));
  const inConfig = retries.filter(([c, f]) => f.turns.some((t) => /^\s*\w+ = \S+\s*$/m.test(messageText(c.messages[t]))));
  const inProse = retries.filter(([c, f]) => f.turns.some((t) => !c.messages[t].tool_calls && c.messages[t].role !== 'tool' && !/^\s*\w+ = /m.test(messageText(c.messages[t]))));
  assert.ok(inCode.length >= 1 && inConfig.length >= 2 && inProse.length >= 2, `heldout5 retry policies: ${inCode.length} in code, ${inConfig.length} in configs, ${inProse.length} in prose`);
});

test('the committed files are what generate.mjs builds from sources/ (≤ 4.5 MB)', () => {
  const dir = path.join(HERE, 'sources');
  const bytes = fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  assert.ok(bytes <= 4.5 * 1024 * 1024, `sources/ is ${bytes} bytes`);
  assert.ok(fs.existsSync(path.join(dir, 'SOURCES.md')), 'SOURCES.md says where each excerpt comes from');
  execFileSync(process.execPath, [path.join(HERE, 'generate.mjs'), '--check'], { stdio: ['ignore', 'ignore', 'pipe'] });
});

test('the owner and retry-policy probes: 72 chat messages in many languages, each answer in its text', async () => {
  const { PROBES } = await import('../../bench/recall/probes.mjs');
  const items = JSON.parse(fs.readFileSync(PROBES, 'utf8'));
  assert.equal(items.length, 72);
  assert.equal(items.filter((i) => i.kind === 'owner').length, 36);
  assert.equal(items.filter((i) => i.kind === 'retry').length, 36);
  assert.ok(new Set(items.map((i) => i.lang)).size >= 20, 'at least 20 languages');
  for (const it of items) {
    assert.ok(['user', 'assistant'].includes(it.role), it.text);
    assert.ok(it.question && it.answer.length >= 1, it.text);
    for (const a of it.answer) assert.ok(it.text.includes(a), `${JSON.stringify(a)} is in ${JSON.stringify(it.text)}`);
  }
});

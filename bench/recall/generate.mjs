// Builds the recall-evaluation conversations (bench/recall/conversations/**) from the public texts
// in bench/recall/sources/ and the scenarios in bench/recall/scenarios/. Deterministic: the same
// sources and scenarios give byte-identical files (each scenario has its own seed).
//
//   node bench/recall/generate.mjs            write every conversation
//   node bench/recall/generate.mjs --check    rebuild in memory and fail if a committed file differs
//
// Six splits: dev (conversations/), heldout (conversations/heldout/), heldout2
// (conversations/heldout2/), heldout3 (conversations/heldout3/), heldout4 (conversations/heldout4/)
// and heldout5 (conversations/heldout5/), each with one conversation per kind and its own source files.
//
// A conversation is a system prompt, then "units" (a user turn and the assistant's answer, with
// tool calls where the kind has them; an agent run's units are mostly tool calls), then a final
// user message that asks for something generic. Each fact's steps (what the user or the assistant
// says, or a tool call) are placed into units within the first ~62 % of the units; the filler
// around them is real public text (sources/) framed by short connective phrases (phrases.mjs).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { HERE, CONV_DIR, SETS, norm, messageText, FACT_KINDS, CONVERSATION_KINDS } from './lib.mjs';
import { PHRASES } from './phrases.mjs';
import { SCENARIOS } from './scenarios/index.mjs';

// ---------- deterministic randomness ----------
function hashSeed(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
  return h >>> 0;
}
function makeRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng = { next };
  rng.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  rng.pick = (xs) => xs[Math.floor(next() * xs.length)];
  rng.chance = (p) => next() < p;
  rng.hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(next() * 16)]).join('');
  return rng;
}

// ---------- sources ----------
/** Sections of one source file: { title, origin, text }. */
function loadSource(file) {
  const raw = fs.readFileSync(path.join(HERE, 'sources', file), 'utf8');
  const out = [];
  for (const part of raw.split(/^@@@ /m).slice(1)) {
    const nl = part.indexOf('\n');
    const [title, origin] = part.slice(0, nl).split(' | ');
    out.push({ file, title: title.trim(), origin: (origin ?? '').trim(), text: part.slice(nl + 1).trim() });
  }
  return out;
}

/** Splits a section into chunks of min..max characters at blank lines (or at lines when a block is long). */
function chunkSection(text, rng, min, max) {
  const blocks = [];
  for (const b of text.split(/\n[ \t]*\n/)) {
    if (!b.trim()) continue;
    if (b.length <= max) { blocks.push(b); continue; }
    let cur = [];
    let len = 0;
    for (const line of b.split('\n')) {
      if (len + line.length > max && cur.length) { blocks.push(cur.join('\n')); cur = []; len = 0; }
      cur.push(line.length > max ? line.slice(0, max) : line);
      len += line.length + 1;
    }
    if (cur.length) blocks.push(cur.join('\n'));
  }
  const chunks = [];
  let cur = [];
  let len = 0;
  let want = rng.int(min, max);
  for (const b of blocks) {
    if (len && len + b.length > max) { chunks.push(cur.join('\n\n')); cur = []; len = 0; want = rng.int(min, max); }
    cur.push(b);
    len += b.length + 2;
    if (len >= want) { chunks.push(cur.join('\n\n')); cur = []; len = 0; want = rng.int(min, max); }
  }
  if (cur.length) chunks.push(cur.join('\n\n'));
  return chunks;
}

/** Hands out chunks of the given sections in order; never a chunk that contains a fact's value. */
class Pool {
  constructor(name, sections, rng, min, max, banned) {
    this.name = name;
    this.items = [];
    this.skipped = 0;
    for (const s of sections) {
      for (const text of chunkSection(s.text, rng, min, max)) {
        const n = norm(text);
        if (banned.some((b) => n.includes(b))) { this.skipped++; continue; }
        this.items.push({ file: s.file, title: s.title, origin: s.origin, text });
      }
    }
    if (!this.items.length) throw new Error(`pool ${name} is empty`);
    this.i = 0;
    this.wraps = 0;
  }
  next() {
    if (this.i >= this.items.length) { this.i = 0; this.wraps++; }
    return this.items[this.i++];
  }
  get used() { return this.wraps * this.items.length + this.i; }
}

// ---------- message helpers ----------
function fill(template, vars) {
  return template.replace(/\{(\w+)\}/g, (_, k) => (vars[k] ?? `{${k}}`));
}

/** Joins fact texts and filler so the fact sits at the start, at the end or (the assistant's) in the middle. */
function weave(rng, factTexts, filler, middle = true) {
  if (!factTexts.length) return filler;
  const facts = factTexts.join(rng.chance(0.5) ? ' ' : '\n\n');
  if (!filler) return facts;
  const r = rng.next();
  if (r < 0.4) return `${facts}\n\n${filler}`;
  if (r < 0.75 || !middle) return `${filler}\n\n${facts}`;
  const paras = filler.split('\n\n');
  if (paras.length < 2) return `${filler}\n\n${facts}`;
  const at = rng.int(1, paras.length - 1);
  return [...paras.slice(0, at), facts, ...paras.slice(at)].join('\n\n');
}

// ---------- conversation builder ----------
function build(sc) {
  const rng = makeRng(hashSeed(sc.id));
  const banned = sc.facts.flatMap((f) => [...f.answer, ...(f.old ?? [])]).map(norm);
  const pools = {};
  for (const [name, spec] of Object.entries(sc.pools)) {
    for (const f of spec.files) if (!f.includes(`-${sc.split}.`)) throw new Error(`${sc.id}: ${f} is not a ${sc.split} source`);
    const sections = spec.files.flatMap(loadSource).filter((s) => !spec.only || spec.only.some((o) => s.title.includes(o)));
    pools[name] = new Pool(name, sections, rng, spec.min, spec.max, banned);
  }
  const phrases = PHRASES[sc.kind];
  const U = sc.units;

  // ---- schedule the facts' steps into units ----
  const plan = Array.from({ length: U }, () => ({ user: [], asst: [], calls: [], lang: null }));
  const taken = new Set();
  const limit = Math.floor(U * (sc.factZone ?? 0.62));
  const placements = [];
  // the facts with the longest spans first, so they find room
  // (a fact with `after` comes after the fact it names, so that one is placed before it)
  const order = sc.facts.map((f, i) => ({ f, i })).sort((a, b) => span(b.f) - span(a.f) || a.i - b.i);
  for (let k = 0; k < order.length; k++) {
    const dep = order[k].f.after;
    const j = dep ? order.findIndex((o) => o.f.id === dep) : -1;
    if (dep && j < 0) throw new Error(`${sc.id}/${order[k].f.id}: after unknown fact ${dep}`);
    if (j > k) { const [x] = order.splice(j, 1); order.splice(k, 0, x); k = -1; }
  }
  const lastUnit = {};
  function gapOf(step, prev) {
    if (step.gap === 'far') return Math.round(U * (0.12 + rng.next() * 0.14));
    if (typeof step.gap === 'number') return step.gap;
    if (!prev) return 0;
    if (step.who === 'u') return 1; // a user reply comes in a later unit
    return 0; // the assistant (or a tool call) answers in the same unit
  }
  function span(f) { return f.steps.reduce((n, s) => n + (s.gap === 'far' ? U * 0.2 : typeof s.gap === 'number' ? s.gap : s.who === 'u' ? 1 : 0), 0); }
  for (const { f } of order) {
    const gaps = f.steps.map((s, k) => gapOf(s, f.steps[k - 1]));
    const total = gaps.reduce((a, b) => a + b, 0);
    let start = -1;
    const lo = f.after ? lastUnit[f.after] + 1 : 2;
    for (let tries = 0; tries < 400; tries++) {
      const s = rng.int(lo, Math.max(lo, limit - total - 1));
      let at = s;
      const units = gaps.map((g) => (at += g));
      if (units.every((x) => x < limit && !taken.has(x))) { start = s; break; }
    }
    if (start < 0) throw new Error(`${sc.id}: no room for fact ${f.id}`);
    let at = start;
    f.steps.forEach((step, k) => {
      at += gaps[k];
      taken.add(at);
      const slot = plan[at];
      if (step.lang) slot.lang = step.lang;
      const item = { fact: f.id, step };
      if (step.who === 'u') slot.user.push(item);
      else if (step.who === 'a') slot.asst.push(item);
      else slot.calls.push(item);
      placements.push({ fact: f.id, unit: at, k });
    });
    lastUnit[f.id] = at;
  }

  // ---- build the messages ----
  const messages = [{ role: 'system', content: sc.system }];
  const origin = []; // per message: [{ fact, k }] of the steps it carries
  const push = (m, carried = []) => { messages.push(m); origin.push(carried); };
  origin.push([]);
  let callN = 0;
  const callId = () => `call_${rng.hex(20)}${(callN++).toString(36)}`;
  const ctx = {
    rng, pools, phrases, sc, fill, weave, callId,
    user: (content, carried) => push({ role: 'user', content }, carried),
    assistant: (content, carried) => push({ role: 'assistant', content }, carried),
    call: (name, args, result, carried = []) => {
      const id = callId();
      push({ role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }] }, carried);
      push({ role: 'tool', tool_call_id: id, content: result }, carried);
    },
  };
  if (sc.opening) ctx.user(sc.opening, []);
  const builder = BUILDERS[sc.kind];
  for (let u = 0; u < U; u++) builder(ctx, u, plan[u]);
  ctx.user(sc.final, []);

  // ---- facts: where each is stated ----
  const facts = sc.facts.map((f) => {
    const vals = [...f.answer, ...(f.old ?? [])].map(norm);
    const idx = [];
    const asked = [];
    origin.forEach((carried, i) => {
      const own = carried.some((c) => c.fact === f.id);
      if (!own && !carried.length) return; // filler: checked below, must not state it
      const t = norm(messageText(messages[i]));
      if (vals.some((v) => t.includes(v))) idx.push(i); else if (own) asked.push(i);
    });
    const out = { id: f.id, kind: f.kind, turns: idx, question: f.question, answer: f.answer };
    if (f.old) out.old = f.old;
    if (asked.length) out.askedIn = asked;
    if (f.lang) out.lang = f.lang;
    return out;
  });

  // ---- checks the data test repeats (fail early here) ----
  const texts = messages.map((m) => norm(messageText(m)));
  for (const f of facts) {
    if (!f.turns.length) throw new Error(`${sc.id}/${f.id}: value never stated`);
    const own = new Set(f.turns);
    for (const v of [...f.answer, ...(f.old ?? [])].map(norm)) {
      texts.forEach((t, i) => { if (!own.has(i) && t.includes(v)) throw new Error(`${sc.id}/${f.id}: "${v}" also occurs in filler message ${i}`); });
    }
    const last = Math.max(...f.turns);
    if (last >= 0.7 * messages.length) throw new Error(`${sc.id}/${f.id}: stated at ${last} of ${messages.length}`);
  }
  const stats = Object.fromEntries(Object.entries(pools).map(([k, p]) => [k, { chunks: p.items.length, used: p.used, wraps: p.wraps, skipped: p.skipped }]));
  const sources = [...new Set(Object.values(pools).flatMap((p) => p.items.slice(0, p.used).map((x) => `${x.file}: ${x.title} | ${x.origin}`)))];
  return {
    conv: { id: sc.id, kind: sc.kind, split: sc.split, title: sc.title, sources, messages, facts },
    stats,
  };
}

// ---------- the six kinds ----------
const codeBlock = (lang, text) => `\`\`\`${lang}\n${text}\n\`\`\``;
const stem = (title) => title.replace(/^man /, '').replace(/\.(py|md|conf|mo.*)$/, '');

function factCalls(ctx, slot) {
  for (const { fact, step } of slot.calls) ctx.call(step.name, step.args, step.result, [{ fact }]);
}
const carriedOf = (items) => items.map(({ fact }) => ({ fact }));
const textsOf = (items) => items.map(({ step }) => step.text);

const BUILDERS = {
  coding(ctx, u, slot) {
    const { rng, pools, phrases } = ctx;
    // user turn
    let userText;
    const r = rng.next();
    if (r < 0.4) {
      const c = pools.code.next();
      userText = fill(rng.pick(phrases.ask), { file: c.title, mod: stem(c.title) });
    } else if (r < 0.68) {
      const c = pools.code.next();
      userText = `${fill(rng.pick(phrases.paste), { file: c.title, mod: stem(c.title) })}\n\n${codeBlock('python', c.text)}`;
    } else {
      const c = (rng.chance(0.5) ? pools.tb : pools.logs).next();
      userText = `${rng.pick(phrases.error)}\n\n${codeBlock('', c.text)}`;
    }
    if (slot.user.length) {
      userText = rng.chance(0.55) ? textsOf(slot.user).join(' ') : weave(rng, textsOf(slot.user), userText, false);
    }
    ctx.user(userText, carriedOf(slot.user));
    // tool calls
    factCalls(ctx, slot);
    const n = rng.chance(0.15) ? 0 : rng.int(1, 3);
    for (let k = 0; k < n; k++) {
      const t = rng.next();
      if (t < 0.5) {
        const c = pools.code.next();
        ctx.call('read_file', { path: c.origin }, c.text);
      } else if (t < 0.62) {
        const c = pools.tb.next();
        ctx.call('run_shell', { command: rng.pick(phrases.commands) }, c.text);
      } else if (t < 0.82) {
        const c = pools.logs.next();
        ctx.call('run_shell', { command: fill(rng.pick(phrases.logCommands), { path: c.origin }) }, c.text);
      } else {
        const c = pools.code.next();
        const lines = c.text.split('\n').filter((l) => l.trim()).slice(0, rng.int(3, 9));
        const word = (c.text.match(/def (\w+)/) ?? c.text.match(/(\w{5,})/) ?? [null, 'return'])[1];
        ctx.call('grep', { pattern: word, path: c.origin }, lines.map((l, i) => `${c.origin}:${i * 7 + 11}:${l}`).join('\n'));
      }
    }
    // assistant answer
    let answer = fill(rng.pick(phrases.answer), { file: pools.code.items[pools.code.i % pools.code.items.length].title });
    if (rng.chance(0.3)) {
      const c = pools.code.next();
      const lines = c.text.split('\n').slice(0, rng.int(4, 16)).join('\n');
      answer += `\n\n${codeBlock('python', lines)}\n\n${rng.pick(phrases.after)}`;
    }
    ctx.assistant(weave(rng, textsOf(slot.asst), answer), carriedOf(slot.asst));
  },

  support(ctx, u, slot) {
    const { rng, pools, phrases } = ctx;
    let userText;
    const r = rng.next();
    if (r < 0.55) userText = fill(rng.pick(phrases.ask), { topic: stem(pools.kb.items[pools.kb.i % pools.kb.items.length].title) });
    else {
      const c = pools.kb.next();
      userText = `${fill(rng.pick(phrases.quote), { topic: stem(c.title) })}\n\n> ${c.text.split('\n').slice(0, rng.int(3, 10)).join('\n> ')}`;
    }
    if (slot.user.length) userText = rng.chance(0.6) ? textsOf(slot.user).join(' ') : weave(rng, textsOf(slot.user), userText, false);
    ctx.user(userText, carriedOf(slot.user));
    const c = pools.kb.next();
    let answer = `${fill(rng.pick(phrases.answer), { topic: stem(c.title) })}\n\n${c.text}`;
    if (rng.chance(0.3)) answer += `\n\n${rng.pick(phrases.close)}`;
    if (!slot.asst.length && rng.chance(0.18)) answer = rng.pick(phrases.short);
    ctx.assistant(weave(rng, textsOf(slot.asst), answer), carriedOf(slot.asst));
  },

  planning(ctx, u, slot) {
    const { rng, pools, phrases } = ctx;
    const c = pools.notes.next();
    let userText;
    if (rng.chance(0.7)) userText = `${rng.pick(phrases.paste)}\n\n${c.text}`;
    else userText = rng.pick(phrases.ask);
    if (slot.user.length) userText = rng.chance(0.5) ? textsOf(slot.user).join(' ') : weave(rng, textsOf(slot.user), userText, false);
    ctx.user(userText, carriedOf(slot.user));
    const quoted = c.text.split('\n\n').filter((p) => p.trim()).slice(0, rng.int(1, 3)).map((p) => p.trim()).join('\n\n');
    let answer = `${rng.pick(phrases.answer)}\n\n${quoted}\n\n${rng.pick(phrases.after)}`;
    if (!slot.asst.length && rng.chance(0.15)) answer = rng.pick(phrases.short);
    ctx.assistant(weave(rng, textsOf(slot.asst), answer), carriedOf(slot.asst));
  },

  multilingual(ctx, u, slot) {
    const { rng, pools, phrases } = ctx;
    const langs = ctx.sc.langs ?? ['de', 'fr', 'es', 'ja', 'ru']; // the scenario's languages (one pool each)
    const lang = slot.lang ?? rng.pick([...langs, ...langs, 'en']);
    const poolLang = lang === 'en' ? rng.pick(langs) : lang;
    const P = phrases[lang];
    const c = pools[poolLang].next();
    let userText = rng.chance(0.75) ? `${rng.pick(P.ask)}\n\n${c.text}` : rng.pick(P.chat);
    if (slot.user.length) userText = rng.chance(0.55) ? textsOf(slot.user).join(' ') : weave(rng, textsOf(slot.user), userText, false);
    ctx.user(userText, carriedOf(slot.user));
    // the reviewed translation: the target-language side of one or two of the pasted pairs
    const tag = `\n${poolLang.toUpperCase()}: `;
    const sides = c.text.split('\n\n').map((b) => (b.includes(tag) ? b.slice(b.indexOf(tag) + tag.length) : '')).filter(Boolean);
    const target = sides.slice(0, rng.int(1, 2)).join('\n\n') || c.text.split('\n').slice(-2).join('\n');
    let answer = `${rng.pick(P.answer)}\n\n${target}`;
    if (rng.chance(0.3)) answer += `\n\n${rng.pick(P.after)}`;
    ctx.assistant(weave(rng, textsOf(slot.asst), answer), carriedOf(slot.asst));
  },

  agent(ctx, u, slot) {
    const { rng, pools, phrases } = ctx;
    if (slot.user.length) ctx.user(textsOf(slot.user).join(' '), carriedOf(slot.user));
    else if (u > 0 && u % 23 === 0) ctx.user(rng.pick(phrases.nudge), []);
    factCalls(ctx, slot);
    const n = rng.int(1, 3);
    for (let k = 0; k < n; k++) {
      const c = pools.out.next();
      const name = stem(c.title);
      const t = rng.next();
      if (c.origin.startsWith('/usr/share/man')) {
        ctx.call('run_shell', { command: fill(rng.pick(phrases.manCommands), { name }) }, c.text);
      } else if (c.origin.startsWith('/etc')) {
        ctx.call('read_file', { path: c.origin }, c.text);
      } else if (t < 0.5) {
        ctx.call('read_file', { path: c.origin }, c.text);
      } else {
        ctx.call('run_shell', { command: fill(rng.pick(phrases.pyCommands), { name, path: c.origin }) }, c.text);
      }
    }
    if (slot.asst.length || rng.chance(0.35)) {
      const note = slot.asst.length && rng.chance(0.4) ? '' : fill(rng.pick(phrases.note), { name: stem(pools.out.items[(pools.out.i + pools.out.items.length - 1) % pools.out.items.length].title) });
      ctx.assistant(weave(rng, textsOf(slot.asst), note), carriedOf(slot.asst));
    }
  },

  documents(ctx, u, slot) {
    const { rng, pools, phrases } = ctx;
    const c = pools.doc.next();
    let userText;
    if (rng.chance(0.8)) userText = `${fill(rng.pick(phrases.paste), { doc: stem(c.title) })}\n\n${c.text}`;
    else userText = fill(rng.pick(phrases.ask), { doc: stem(c.title) });
    if (slot.user.length) userText = rng.chance(0.45) ? textsOf(slot.user).join(' ') : weave(rng, textsOf(slot.user), userText, false);
    ctx.user(userText, carriedOf(slot.user));
    const sentences = c.text.replace(/\n+/g, ' ').split(/(?<=[.!?])\s+/).filter((s) => s.length > 30 && s.length < 400);
    const from = sentences.length ? rng.int(0, Math.max(0, sentences.length - 3)) : 0;
    const quoted = sentences.slice(from, from + rng.int(1, 3)).join(' ');
    let answer = quoted ? `${rng.pick(phrases.answer)} ${quoted}\n\n${rng.pick(phrases.after)}` : rng.pick(phrases.short);
    if (!slot.asst.length && rng.chance(0.12)) answer = rng.pick(phrases.short);
    ctx.assistant(weave(rng, textsOf(slot.asst), answer), carriedOf(slot.asst));
  },
};

// ---------- main ----------
const check = process.argv.includes('--check');
const gz = (s) => zlib.gzipSync(Buffer.from(s), { level: 9, mtime: 0 });
let differ = 0;
const SPLITS = SETS;
const seen = Object.fromEntries(SPLITS.map((s) => [s, new Set()]));
const sourcesBySplit = Object.fromEntries(SPLITS.map((s) => [s, new Set()]));
for (const sc of SCENARIOS) {
  if (!CONVERSATION_KINDS.includes(sc.kind)) throw new Error(`${sc.id}: unknown kind ${sc.kind}`);
  for (const f of sc.facts) if (!FACT_KINDS.includes(f.kind)) throw new Error(`${sc.id}/${f.id}: unknown fact kind ${f.kind}`);
  if (!SPLITS.includes(sc.split)) throw new Error(`${sc.id}: unknown split ${sc.split}`);
  const { conv, stats } = build(sc);
  seen[sc.split].add(sc.kind);
  for (const s of conv.sources) sourcesBySplit[sc.split].add(s);
  const json = JSON.stringify(conv);
  const dir = sc.split === 'dev' ? CONV_DIR : path.join(CONV_DIR, sc.split);
  const file = path.join(dir, `${sc.id}.json.gz`);
  const bytes = gz(json);
  if (check) {
    const old = fs.existsSync(file) ? zlib.gunzipSync(fs.readFileSync(file)).toString('utf8') : null;
    if (old !== json) { differ++; console.error(`differs: ${path.relative(HERE, file)}`); }
  } else {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, bytes);
  }
  const changed = conv.facts.filter((f) => f.old).length;
  console.log(`${sc.id.padEnd(22)} ${String(conv.messages.length).padStart(5)} messages, ${String(json.length).padStart(7)} chars, ${conv.facts.length} facts (${changed} changed), ${(bytes.length / 1024).toFixed(0)} KB gz  pools ${JSON.stringify(stats)}`);
}
for (const [i, a] of SPLITS.entries()) {
  for (const b of SPLITS.slice(i + 1)) for (const s of sourcesBySplit[a]) if (sourcesBySplit[b].has(s)) throw new Error(`source excerpt in ${a} and ${b}: ${s}`);
}
for (const split of SPLITS) {
  const missing = CONVERSATION_KINDS.filter((k) => !seen[split].has(k));
  if (missing.length) console.warn(`note: ${split} has no ${missing.join(', ')} conversation yet`);
}
if (check && differ) process.exit(1);

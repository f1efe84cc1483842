// The turn loop's own cost (part of `npm run bench`): `session.send` on a 1,000-message session
// against an OpenAI-compatible server in this process that answers at once, beside a bare
// `provider.chat` with the same request — the difference is what the manager adds per turn
// (storing, memory search, routing, counting, condensing, storing the reply and stats).
// Measurements, never asserted.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { sentences } from './store.mjs';

/** A server that answers every chat completion at once, and keeps the last request body. */
async function instantServer() {
  const answer = JSON.stringify({
    id: 'x', object: 'chat.completion', model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Noted; continuing with the next step.' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1000, completion_tokens: 9, total_tokens: 1009 },
  });
  let last;
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    last = body;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(answer);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${server.address().port}/v1`, last: () => JSON.parse(last), close: () => new Promise((r) => server.close(r)) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function one(cw, server, store, texts, { window, label }) {
  const id = `bench-${window}`;
  cw.models.register({ id, provider: 'local', tokenizer: { encoding: 'o200k_base', exact: true }, contextWindow: window, maxOutputTokens: 1024, pricing: { input: 1, output: 2 } });
  const manager = await cw.ContextManager.open({
    appName: 'bench-turns', store,
    providers: { local: { kind: 'openai', baseUrl: server.base } },
    router: { models: { primary: id }, useHybrid: false },
    condensation: { strategies: ['extractive', 'truncate'] },
  });
  try {
    const now = Date.now();
    await manager.import({
      format: 'contextwise.export', version: 1, exported: now,
      sessions: [{
        session: { id: 'long', title: 'Long', created: now, updated: now, model: null, metadata: null }, summaries: [], facts: [], usage: [],
        messages: Array.from({ length: 1000 }, (_, seq) => ({ sessionId: 'long', seq, message: { role: seq % 2 ? 'assistant' : 'user', content: texts[seq % texts.length] }, tokens: {}, created: now })),
      }],
    }, { onConflict: 'replace' });
    const session = await manager.session('long');
    const provider = cw.createProvider({ kind: 'openai', baseUrl: server.base });
    const turns = [], bare = [];
    let info;
    for (let i = 0; i < 25; i++) {
      let t = performance.now();
      const r = await session.send(texts[(i * 13) % texts.length]);
      const turn = performance.now() - t;
      info = r.contextInfo;
      const body = server.last();
      t = performance.now();
      await provider.chat({ model: id, messages: body.messages, maxTokens: body.max_tokens });
      const call = performance.now() - t;
      if (i >= 5) { turns.push(turn); bare.push(call); } // the first turns warm up
    }
    const t = median(turns), b = median(bare);
    const slowest = Math.max(...turns.map((x, k) => x - bare[k]));
    return `| ${label} | ${typeof store === 'string' ? store : store.kind} | ${info.tokensBefore.toLocaleString('en')} → ${info.tokensAfter.toLocaleString('en')}${info.condensationApplied ? ` (${info.strategy})` : ''} | ${t.toFixed(1)} | ${b.toFixed(1)} | ${(t - b).toFixed(1)} | ${slowest.toFixed(1)} | ${(100 * (t - b) / t).toFixed(0)} % |`;
  } finally {
    await manager.close();
  }
}

export async function managerBench(root) {
  const cw = await import(path.join(root, 'pkg/node/index.mjs'));
  const texts = sentences(root);
  const server = await instantServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-turns-'));
  const rows = [
    '| context | store | tokens per turn (before → sent) | `send` (ms) | bare `chat`, same request (ms) | the manager\'s own work (ms) | its slowest turn (ms; a full condensation) | share of the turn |',
    '|---|---|---|---:|---:|---:|---:|---:|',
  ];
  try {
    for (const store of ['memory', { kind: 'sqlite', path: path.join(dir, 'turns.sqlite') }]) {
      rows.push(await one(cw, server, store, texts, { window: 200000, label: 'fits (200,000-token window)' }));
      rows.push(await one(cw, server, store, texts, { window: 8192, label: 'over the threshold every turn (8,192 window)' }));
    }
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  for (const line of await managerBench(root)) console.log(line);
}

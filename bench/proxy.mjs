// The proxy's own cost (part of `npm run bench`; also `node bench/proxy.mjs`): the same client
// (Node's fetch, keep-alive) sends the same 100-message conversation to a local OpenAI-compatible
// server that answers at once — directly, and through `npx contextwise proxy` (the built CLI, its
// own process) — and the latencies and requests per second are printed side by side.
// Measurements, never asserted.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';

const WORDS = 'the orders service keeps its invoices in Postgres while the workers drain the queue and the cache'.split(' ');
/** 100 messages of about 50 words: about 7,000 tokens, below every limit (no condensation). */
function conversation(n = 100) {
  const m = [{ role: 'system', content: 'You are the operations assistant.' }];
  for (let i = 1; i < n; i++) {
    const text = Array.from({ length: 50 }, (_, k) => WORDS[(i * 7 + k) % WORDS.length]).join(' ');
    m.push({ role: i % 2 ? 'user' : 'assistant', content: `${i}: ${text}.` });
  }
  return m;
}

/** An OpenAI-compatible server that answers every request at once (JSON, or a short stream). */
async function instantUpstream() {
  const answer = JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'Noted.' }, finish_reason: 'stop' }], usage: { prompt_tokens: 7000, completion_tokens: 2, total_tokens: 7002 } });
  const chunk = (d, f = null) => `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: d, finish_reason: f }] })}\n\n`;
  const stream = chunk({ role: 'assistant', content: '' }) + chunk({ content: 'Noted.' }) + chunk({}, 'stop') + 'data: [DONE]\n\n';
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    if (body.includes('"stream":true')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(stream);
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer);
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${server.address().port}/v1`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const f2 = (x) => x.toFixed(2);

/** Sequential requests: per-request latency in ms (after `warm` unmeasured ones). */
async function latencies(url, body, n, warm) {
  const out = [];
  for (let i = 0; i < n + warm; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.text();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    if (i >= warm) out.push(performance.now() - t0);
  }
  return out;
}

/** `clients` loops sending requests for `ms`: requests per second. */
async function throughput(url, body, clients, ms) {
  let n = 0;
  const end = performance.now() + ms;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < end) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await res.text();
      n++;
    }
  }));
  return n / (ms / 1000);
}

export async function proxyBench(root, { n = 400, warm = 100 } = {}) {
  const up = await instantUpstream();
  const child = spawn(process.execPath, [path.join(root, 'pkg/proxy/cli.mjs'), 'proxy'], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', UPSTREAM_BASE_URL: up.base, MAX_HISTORY_TOKENS: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // the first line says where it listens; the request lines that follow are read and dropped
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', function first(d) {
      buf += d;
      const line = buf.split('\n').find((l) => l.includes('"listening"'));
      if (line) { child.stdout.off('data', first); child.stdout.resume(); resolve(JSON.parse(line).port); }
    });
    child.once('exit', (code) => reject(new Error(`the proxy exited (${code})`)));
  });
  const lines = [];
  try {
    const messages = conversation();
    const proxied = `http://127.0.0.1:${port}/v1/chat/completions`;
    const direct = `${up.base}/chat/completions`;
    const rows = [];
    for (const stream of [false, true]) {
      const body = JSON.stringify({ model: 'gpt-4o-mini', messages, ...(stream ? { stream: true } : {}) });
      const d = await latencies(direct, body, n, warm);
      const p = await latencies(proxied, body, n, warm);
      rows.push({ what: stream ? 'streamed' : 'non-streamed', d, p });
    }
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages });
    const info = (await (await fetch(proxied, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json()).context_info;
    const rpsDirect = await throughput(direct, body, 8, 3000);
    const rpsProxy = await throughput(proxied, body, 8, 3000);
    lines.push(`A ${messages.length}-message conversation (${info.tokens_before} tokens for gpt-4o-mini, no condensation), ${n} sequential`);
    lines.push(`requests after ${warm} unmeasured, Node's fetch (keep-alive) as the client, a local server that answers at once.`);
    lines.push('"overhead" is the proxied latency minus the direct one (same percentile).');
    lines.push('');
    lines.push('| request | direct p50 | direct p99 | proxied p50 | proxied p99 | overhead p50 | overhead p99 | ratio p50 |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      const [d50, d99, p50, p99] = [pct(r.d, 0.5), pct(r.d, 0.99), pct(r.p, 0.5), pct(r.p, 0.99)];
      lines.push(`| ${r.what} | ${f2(d50)} ms | ${f2(d99)} ms | ${f2(p50)} ms | ${f2(p99)} ms | ${f2(p50 - d50)} ms | ${f2(p99 - d99)} ms | ${f2(p50 / d50)}× |`);
    }
    lines.push('');
    lines.push(`Requests per second, 8 concurrent clients for 3 s: direct ${Math.round(rpsDirect)}, through the proxy ${Math.round(rpsProxy)} (${f2(rpsProxy / rpsDirect)}×).`);
    lines.push(`contextwise's own part of a request (counting and assessing, \`context_info.processing_time_ms\`): ${info.processing_time_ms} ms.`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await up.close();
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  for (const line of await proxyBench(root)) console.log(line);
}

// Local HTTP servers on 127.0.0.1 that answer like the documented provider APIs (recorded
// bodies and streams from tests/fixtures/providers), record the requests they receive, and
// misbehave on demand: each request takes its behaviour from the server's script (a queue),
// falling back to 'ok'.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { root } from './helpers.mjs';

const fixture = (f) => fs.readFileSync(path.join(root, 'tests/fixtures/providers', f));
const FIX = {
  openai: { json: fixture('openai-chat.json'), stream: fixture('openai-stream.sse'), type: 'text/event-stream' },
  anthropic: { json: fixture('anthropic-message.json'), stream: fixture('anthropic-stream.sse'), type: 'text/event-stream' },
  ollama: { json: null, stream: fixture('ollama-stream.ndjson'), type: 'application/x-ndjson' },
};
// Ollama's documented non-streamed /api/chat answer.
const OLLAMA_JSON = JSON.stringify({ model: 'qwen2.5:7b', created_at: '2023-12-12T14:13:43.416799Z', message: { role: 'assistant', content: 'The sky is blue — ☀️' }, done: true, done_reason: 'stop', total_duration: 5191566416, load_duration: 2154458, prompt_eval_count: 26, prompt_eval_duration: 383809000, eval_count: 282, eval_duration: 4799921000 });
const ROUTES = { openai: '/v1/chat/completions', anthropic: '/v1/messages', ollama: '/api/chat' };
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-expose-headers': 'retry-after',
};

/** Splits bytes into chunks of 1..n bytes (deterministic), cutting through UTF-8 and lines. */
function chunks(buf, n = 17) {
  const out = [];
  let i = 0, k = 0;
  while (i < buf.length) {
    const size = 1 + ((k++ * 7) % n);
    out.push(buf.subarray(i, i + size));
    i += size;
  }
  return out;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function providerServer(kind) {
  const requests = [];
  const script = [];
  const sockets = new Set();
  const server = http.createServer(async (req, res) => {
    if (req.method === 'OPTIONS') { res.writeHead(204, CORS); res.end(); return; }
    let body = '';
    for await (const c of req) body += c;
    const parsed = (() => { try { return JSON.parse(body); } catch { return null; } })();
    requests.push({ url: req.url, headers: req.headers, body: parsed });
    const behaviour = script.shift() ?? 'ok';
    const stream = kind === 'ollama' ? parsed?.stream !== false : parsed?.stream === true;
    if (req.url !== ROUTES[kind]) { res.writeHead(404, CORS); res.end('{"error":{"message":"no such route"}}'); return; }
    switch (behaviour) {
      case '429': res.writeHead(429, { ...CORS, 'content-type': 'application/json', 'retry-after': '1' }); res.end('{"error":{"message":"Rate limit reached for requests","type":"requests"}}'); return;
      case '500': res.writeHead(500, { ...CORS, 'content-type': 'application/json' }); res.end('{"error":{"message":"The server had an error while processing your request."}}'); return;
      case '400': res.writeHead(400, { ...CORS, 'content-type': 'application/json' }); res.end('{"error":{"message":"Invalid value for \'messages\': expected an array.","type":"invalid_request_error"}}'); return;
      case 'hang': return; // never answers; the socket is destroyed when the server stops
      case 'badjson': res.writeHead(200, { ...CORS, 'content-type': 'application/json' }); res.end('{"choices": [ this is not json'); return;
      default: break;
    }
    const f = FIX[kind];
    if (!stream) {
      res.writeHead(200, { ...CORS, 'content-type': 'application/json' });
      res.end(kind === 'ollama' ? OLLAMA_JSON : f.json);
      return;
    }
    res.writeHead(200, { ...CORS, 'content-type': f.type, 'cache-control': 'no-cache' });
    const parts = chunks(f.stream);
    const cutAt = behaviour === 'cut' ? Math.floor(parts.length * 0.6) : parts.length;
    for (let i = 0; i < cutAt; i++) {
      if (res.destroyed) return;
      res.write(parts[i]);
      if (behaviour === 'slow') await sleep(15);
      else if (i % 5 === 0) await sleep(1);
    }
    if (behaviour === 'cut') { res.destroy(); return; }
    res.end();
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const base = kind === 'openai' ? `http://127.0.0.1:${port}/v1` : `http://127.0.0.1:${port}`;
  return {
    base, requests, script,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(r); }),
  };
}

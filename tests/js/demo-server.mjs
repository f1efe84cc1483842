// An OpenAI-compatible chat server on 127.0.0.1 for the demo's browser tests: CORS, a key it
// checks (401 with OpenAI's error body otherwise), replies streamed word by word with a pause
// between chunks (so a test can watch a reply grow, or stop it), and scripted reply texts.
import http from 'node:http';

const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'GET, POST, OPTIONS' };

export async function chatServer({ key, delayMs = 40 }) {
  const requests = [];
  const replies = [];
  let n = 0;
  const server = http.createServer(async (req, res) => {
    if (req.method === 'OPTIONS') { res.writeHead(204, CORS); res.end(); return; }
    let body = '';
    for await (const c of req) body += c;
    const parsed = JSON.parse(body || 'null');
    requests.push({ url: req.url, headers: req.headers, body: parsed });
    if (req.headers.authorization !== `Bearer ${key}`) {
      res.writeHead(401, { ...CORS, 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided. You can find your API key in your account settings.', type: 'invalid_request_error', code: 'invalid_api_key' } }));
      return;
    }
    const last = parsed.messages.findLast((m) => m.role === 'user');
    const text = replies.shift() ?? `Reply ${++n}: you said **${String(last?.content ?? '').slice(0, 40)}**.\n\n- one point\n- another point\n\n\`\`\`js\nconsole.log(${n});\n\`\`\``;
    const usage = { prompt_tokens: 20 + n, completion_tokens: 12, total_tokens: 32 + n };
    if (!parsed.stream) {
      res.writeHead(200, { ...CORS, 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `c${n}`, object: 'chat.completion', created: 1, model: parsed.model, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage }));
      return;
    }
    res.writeHead(200, { ...CORS, 'content-type': 'text/event-stream' });
    const chunk = (delta, finish = null, extra = {}) => `data: ${JSON.stringify({ id: `c${n}`, object: 'chat.completion.chunk', created: 1, model: parsed.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
    res.write(chunk({ role: 'assistant', content: '' }));
    let closed = false;
    res.on('close', () => { closed = true; });
    for (const word of text.split(/(?<= )/)) {
      if (closed) return;
      res.write(chunk({ content: word }));
      await new Promise((r) => setTimeout(r, delayMs));
    }
    res.write(chunk({}, 'stop'));
    res.write(`data: ${JSON.stringify({ id: `c${n}`, object: 'chat.completion.chunk', created: 1, model: parsed.model, choices: [], usage })}\n\n`);
    res.end('data: [DONE]\n\n');
  });
  const sockets = new Set();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${server.address().port}/v1`,
    requests,
    /** Texts of the next replies, in order. */
    replies,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(r); }),
  };
}

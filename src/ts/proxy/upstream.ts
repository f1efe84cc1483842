// Forwarding a prepared request to the upstream. When the client speaks the upstream's own format
// (an OpenAI client and an OpenAI-compatible upstream, an Anthropic client and Anthropic), the
// client's request goes out as it came — every parameter kept — with only its model and messages
// replaced, and the answer comes back byte for byte, `context_info` added (to the JSON body, or as
// the stream's last event). Otherwise the core's provider (`createProvider`: Rust wire formats and
// stream parsers) makes the call, and its answer and deltas are written in the client's format.
import { isContextwiseError, type ChatMessage, type ChatResult, type Provider, type StreamDelta } from 'contextwise';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Config } from './config.js';
import type { ContextInfo } from './context.js';
import {
  ProxyError, anthropicToOpenAI, anthropicToolsToOpenAI, anthropicMessage, openaiCompletion, anthropicStream, openaiStream,
  contextInfoEvent, streamErrorEvent, errorBody, newId, type ClientRequest, type Msg, type StreamWriter,
} from './formats.js';

/** What a forwarded request came to (for the log and the metrics). */
export interface Outcome {
  status: number;
  promptTokens?: number;
  completionTokens?: number;
  /** The stable code of a failure, if any (also for failures after a stream began). */
  error?: string;
}

export interface Forward {
  req: ClientRequest;
  /** The messages to send, in the client's shape (condensed or not). */
  messages: Msg[];
  /** The upstream model. */
  model: string;
  info: ContextInfo;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** Default reply size for formats that need one (Anthropic) when the client gave none. */
  defaultMaxTokens?: number;
}

/** Largest upstream answer read (bytes) and largest stream event. */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const MAX_EVENT_BYTES = 4 * 1024 * 1024;

/** True when the request can go out as the client sent it. */
export const sameFormat = (cfg: Config, req: ClientRequest) => req.format === cfg.upstream.kind;

/** Replaces every occurrence of a configured key (an upstream echoing it back) before text leaves the proxy. */
export function scrubber(cfg: Config): (s: string) => string {
  const secrets = [cfg.upstream.apiKey, cfg.serverApiKey, cfg.summary?.apiKey].filter((k): k is string => !!k && k.length >= 4);
  return (s) => secrets.reduce((t, k) => t.split(k).join('[redacted]'), s);
}

/** Writes and waits for the socket to take it (backpressure). */
async function write(res: ServerResponse, chunk: string): Promise<void> {
  if (!chunk || res.destroyed) return;
  if (!res.write(chunk)) await new Promise<void>((r) => { res.once('drain', r); res.once('close', r); });
}

/** The `x-context-info` header: the main figures, ASCII JSON. */
export function contextHeader(info: ContextInfo): string {
  const { risk_level, condensation_applied, tokens_before, tokens_after, tokens_saved, processing_time_ms, model, strategy, reused, conversation_id } = info;
  return JSON.stringify({ risk_level, condensation_applied, tokens_before, tokens_after, tokens_saved, processing_time_ms, model, strategy, reused, conversation_id })
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sseHeaders(res: ServerResponse, info: ContextInfo) {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-context-info': contextHeader(info) });
  res.flushHeaders();
}

// ---- same format: the client's request, passed through

/** Anthropic: the leading system messages back into `system` (the client's own, then contextwise's blocks). */
function anthropicBody(f: Forward): Record<string, unknown> {
  let lead = 0;
  while (lead < f.messages.length && f.messages[lead].role === 'system') lead++;
  const body: Record<string, unknown> = { ...f.req.body, model: f.model, messages: f.messages.slice(lead) };
  const added = f.messages.slice(f.req.systemFirst ? 1 : 0, lead).map((m) => (typeof m.content === 'string' ? m.content : ''));
  const own = f.req.body.system;
  if (added.length) {
    body.system = Array.isArray(own) ? [...own, ...added.map((text) => ({ type: 'text', text }))] : [typeof own === 'string' ? own : '', ...added].filter(Boolean).join('\n\n');
  }
  return body;
}

/** Keep-alive connections to the upstream (Node's own http: less work per request than fetch). */
const AGENTS = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

/** A POST with a deadline for the response headers, destroyed when the client goes away. */
function post(cfg: Config, url: string, headers: Record<string, string>, body: string | Buffer, signal: AbortSignal): Promise<{ res: IncomingMessage; done: () => void }> {
  const u = new URL(url);
  const https_ = u.protocol === 'https:';
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const req = (https_ ? https : http).request(u, {
      method: 'POST', agent: AGENTS[https_ ? 'https:' : 'http:'],
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    });
    const timer = setTimeout(() => { timedOut = true; req.destroy(); }, cfg.upstream.timeoutMs);
    const onAbort = () => req.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    const done = () => signal.removeEventListener('abort', onAbort);
    req.once('response', (res) => {
      clearTimeout(timer);
      req.on('error', () => { /* reported through the response */ });
      resolve({ res, done });
    });
    req.once('error', (e) => {
      clearTimeout(timer);
      done();
      if (signal.aborted) reject(new ProxyError(499, 'the client closed the request', 'ABORTED'));
      else if (timedOut) reject(new ProxyError(504, `the upstream did not answer within ${cfg.upstream.timeoutMs / 1000} s (UPSTREAM_TIMEOUT)`, 'PROVIDER_TIMEOUT'));
      else reject(new ProxyError(502, `the upstream could not be reached (${(e as NodeJS.ErrnoException).code ?? e.message})`, 'PROVIDER_NETWORK'));
    });
    req.end(body);
  });
}

/** Reads a body up to a bound, each chunk within the idle timeout. */
async function readAll(res: IncomingMessage, idle: () => void): Promise<string> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    idle();
    n += chunk.length;
    if (n > MAX_RESPONSE_BYTES) {
      res.destroy();
      throw new ProxyError(502, `the upstream's answer is larger than ${MAX_RESPONSE_BYTES} bytes`, 'RESPONSE_TOO_LARGE');
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

function usageOf(v: unknown): { promptTokens?: number; completionTokens?: number } {
  const u = (v as { usage?: Record<string, unknown> } | null)?.usage;
  if (!u || typeof u !== 'object') return {};
  const num = (x: unknown) => (typeof x === 'number' ? x : undefined);
  return {
    promptTokens: num(u.prompt_tokens) ?? (num(u.input_tokens) !== undefined ? (num(u.input_tokens) ?? 0) + (num(u.cache_read_input_tokens) ?? 0) + (num(u.cache_creation_input_tokens) ?? 0) : undefined),
    completionTokens: num(u.completion_tokens) ?? num(u.output_tokens),
  };
}

export async function passThrough(cfg: Config, f: Forward, res: ServerResponse, clientHeaders: Record<string, string | string[] | undefined>, scrub: (s: string) => string): Promise<Outcome> {
  const anthropic = f.req.format === 'anthropic';
  // nothing changed: the client's bytes as they came
  const body = f.messages === f.req.messages && f.model === f.req.model ? f.req.raw
    : JSON.stringify(anthropic ? anthropicBody(f) : { ...f.req.body, model: f.model, messages: f.messages });
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: f.req.stream ? 'text/event-stream' : 'application/json' };
  if (anthropic) {
    headers['anthropic-version'] = typeof clientHeaders['anthropic-version'] === 'string' ? clientHeaders['anthropic-version'] : '2023-06-01';
    if (typeof clientHeaders['anthropic-beta'] === 'string') headers['anthropic-beta'] = clientHeaders['anthropic-beta'];
    if (cfg.upstream.apiKey) headers['x-api-key'] = cfg.upstream.apiKey;
  } else if (cfg.upstream.apiKey) {
    headers.authorization = `Bearer ${cfg.upstream.apiKey}`;
  }
  const url = `${cfg.upstream.baseUrl}${anthropic ? '/v1/messages' : '/chat/completions'}`;
  const { res: up, done } = await post(cfg, url, headers, body, f.signal);
  // after the headers: the idle timeout restarts with each chunk
  let timer: NodeJS.Timeout | undefined;
  let idleOut = false;
  const idle = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { idleOut = true; up.destroy(); }, cfg.upstream.timeoutMs);
  };
  idle();
  const status = up.statusCode ?? 502;
  try {
    if (status >= 300 && status < 400) {
      up.destroy();
      throw new ProxyError(502, `the upstream answered with a redirect (HTTP ${status}); set UPSTREAM_BASE_URL to the final URL`, 'PROVIDER_REDIRECT');
    }
    if (status < 200 || status >= 300) return await upstreamFailure(f, up, res, idle, scrub);
    if (!f.req.stream) {
      const text = await readAll(up, idle);
      let json: Record<string, unknown>;
      try { json = JSON.parse(text); } catch { throw new ProxyError(502, 'the upstream\'s answer is not valid JSON', 'PROVIDER_PARSE'); }
      json.context_info = f.info;
      res.writeHead(200, { 'content-type': 'application/json', 'x-context-info': contextHeader(f.info) });
      res.end(JSON.stringify(json));
      return { status: 200, ...usageOf(json) };
    }
    return await pipeStream(f, up, res, idle);
  } catch (e) {
    if (f.signal.aborted) throw new ProxyError(499, 'the client closed the request', 'ABORTED');
    if (idleOut) throw new ProxyError(504, `the upstream stopped answering for ${cfg.upstream.timeoutMs / 1000} s (UPSTREAM_TIMEOUT)`, 'PROVIDER_TIMEOUT');
    if (e instanceof ProxyError) throw e;
    throw new ProxyError(502, `the upstream's answer was cut off (${(e as Error).message})`, 'PROVIDER_STREAM_CUT');
  } finally {
    clearTimeout(timer);
    done();
  }
}

/** An upstream error status: the client gets the same status, the upstream's body (it is in the client's format) and its Retry-After. */
async function upstreamFailure(f: Forward, up: IncomingMessage, res: ServerResponse, idle: () => void, scrub: (s: string) => string): Promise<Outcome> {
  const status = up.statusCode ?? 502;
  const text = scrub((await readAll(up, idle).catch(() => '')).slice(0, 64 * 1024));
  let body: string;
  try {
    JSON.parse(text);
    body = text;
  } catch {
    body = JSON.stringify(errorBody(f.req.format, status, `the upstream answered HTTP ${status}: ${text.slice(0, 300) || '(empty body)'}`, 'PROVIDER_HTTP'));
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-context-info': contextHeader(f.info) };
  for (const h of ['retry-after', 'retry-after-ms', 'x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens', 'anthropic-ratelimit-requests-reset']) {
    const v = up.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  res.writeHead(status, headers);
  res.end(body);
  return { status, error: 'PROVIDER_HTTP' };
}

/** Splits SSE text into complete events (each with its blank line) and the rest. */
function events(buf: string): { events: string[]; rest: string } {
  const out: string[] = [];
  let start = 0;
  const re = /\r?\n\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(buf))) {
    out.push(buf.slice(start, m.index + m[0].length));
    start = m.index + m[0].length;
  }
  return { events: out, rest: buf.slice(start) };
}

/** Passes a stream through, adding `context_info` before `[DONE]` (OpenAI) or after `message_stop` (Anthropic). */
async function pipeStream(f: Forward, up: IncomingMessage, res: ServerResponse, idle: () => void): Promise<Outcome> {
  const anthropic = f.req.format === 'anthropic';
  sseHeaders(res, f.info);
  const decoder = new TextDecoder();
  const usage: { promptTokens?: number; completionTokens?: number } = {};
  let buf = '';
  let ended = false;          // [DONE] or message_stop seen
  let finished = false;       // OpenAI: a finish_reason seen
  let id = newId('chatcmpl-');
  const info = () => contextInfoEvent(f.req.format, f.info, id, f.model);
  const take = (ev: string): string => {
    if (anthropic) {
      if (ev.includes('"usage"')) Object.assign(usage, anthropicUsage(ev, usage));
      if (/^event: ?message_stop\s*$/m.test(ev)) { ended = true; return ev + info(); }
      return ev;
    }
    if (/^data: ?\[DONE\]\s*$/m.test(ev)) { ended = true; return info() + ev; }
    if (ev.includes('"finish_reason":"') || ev.includes('"finish_reason": "')) finished = true;
    if (ev.includes('"usage"')) Object.assign(usage, dataUsage(ev));
    const idm = /"id":\s*"([^"]{1,100})"/.exec(ev);
    if (idm) id = idm[1];
    return ev;
  };
  try {
    for await (const value of up as AsyncIterable<Buffer>) {
      idle();
      buf += decoder.decode(value, { stream: true });
      const { events: evs, rest } = events(buf);
      buf = rest;
      if (buf.length > MAX_EVENT_BYTES) throw new ProxyError(502, `an upstream stream event is larger than ${MAX_EVENT_BYTES} bytes`, 'RESPONSE_TOO_LARGE');
      if (evs.length) await write(res, evs.map(take).join(''));
    }
    buf += decoder.decode();
    if (buf.trim()) await write(res, take(buf.endsWith('\n\n') ? buf : `${buf}\n\n`));
  } catch (e) {
    if (f.signal.aborted) throw new ProxyError(499, 'the client closed the request', 'ABORTED');
    const err = e instanceof ProxyError ? e : new ProxyError(502, `the upstream stream was cut off (${(e as Error).message})`, 'PROVIDER_STREAM_CUT');
    await write(res, streamErrorEvent(f.req.format, err.status, err.message, err.code));
    res.end();
    return { status: 200, ...usage, error: err.code };
  }
  if (!ended && !anthropic && finished) {
    // an OpenAI-compatible server that ends without [DONE]
    await write(res, info() + 'data: [DONE]\n\n');
    ended = true;
  }
  if (!ended) {
    await write(res, streamErrorEvent(f.req.format, 502, 'the upstream stream ended before its final event; the answer is incomplete', 'PROVIDER_STREAM_CUT'));
    res.end();
    return { status: 200, ...usage, error: 'PROVIDER_STREAM_CUT' };
  }
  res.end();
  return { status: 200, ...usage };
}

function dataJson(ev: string): unknown {
  const data = ev.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
  try { return JSON.parse(data); } catch { return undefined; }
}
const dataUsage = (ev: string) => usageOf(dataJson(ev));
function anthropicUsage(ev: string, so: { promptTokens?: number; completionTokens?: number }) {
  const v = dataJson(ev) as { message?: unknown } | undefined;
  const u = usageOf(v?.message ?? v);
  return { promptTokens: u.promptTokens ?? so.promptTokens, completionTokens: u.completionTokens ?? so.completionTokens };
}

// ---- other formats: the core's provider

/** A provider error as an answer in the client's format: the upstream's status, its Retry-After. */
export function providerError(e: unknown): ProxyError {
  if (e instanceof ProxyError) return e;
  if (!isContextwiseError(e)) return new ProxyError(500, `internal error: ${(e as Error)?.message ?? String(e)}`, 'INTERNAL');
  switch (e.code) {
    case 'PROVIDER_HTTP': {
      const headers: Record<string, string> = e.retryAfter !== undefined ? { 'retry-after': String(Math.ceil(e.retryAfter)) } : {};
      return new ProxyError(e.status ?? 502, `upstream: ${e.message}`, e.code, headers);
    }
    case 'PROVIDER_TIMEOUT': return new ProxyError(504, `upstream: ${e.message}`, e.code);
    case 'ABORTED': return new ProxyError(499, 'the client closed the request', e.code);
    case 'PROVIDER_NETWORK': case 'PROVIDER_PARSE': case 'PROVIDER_STREAM_CUT': case 'PROVIDER_REDIRECT': case 'RESPONSE_TOO_LARGE':
      return new ProxyError(502, `upstream: ${e.message}`, e.code);
    case 'INVALID_MESSAGE': case 'INVALID_ARGUMENT': case 'INPUT_TOO_LARGE':
      return new ProxyError(400, e.message, e.code);
    default: return new ProxyError(500, e.message, e.code);
  }
}

export async function translated(provider: Provider, f: Forward, res: ServerResponse): Promise<Outcome> {
  const anthropic = f.req.format === 'anthropic';
  const messages = anthropic ? anthropicToOpenAI(f.messages) : f.messages as unknown as ChatMessage[];
  const tools = anthropic ? anthropicToolsToOpenAI(f.req.tools) : f.req.tools;
  const opts = {
    model: f.model, messages, maxTokens: f.req.maxTokens ?? f.defaultMaxTokens, temperature: f.req.temperature,
    tools: tools as never, signal: f.signal,
  };
  if (!f.req.stream) {
    let r: ChatResult;
    try { r = await provider.chat(opts); } catch (e) { throw providerError(e); }
    const out = anthropic ? anthropicMessage(r, f.model, f.info) : openaiCompletion(r, f.model, f.info);
    res.writeHead(200, { 'content-type': 'application/json', 'x-context-info': contextHeader(f.info) });
    res.end(JSON.stringify(out));
    return { status: 200, promptTokens: r.usage?.promptTokens, completionTokens: r.usage?.completionTokens };
  }
  const s = provider.stream(opts);
  const it = s[Symbol.asyncIterator]();
  let first: IteratorResult<StreamDelta>;
  // the upstream's status is known before anything is written: its errors keep their status
  try { first = await it.next(); } catch (e) { throw providerError(e); }
  const estimate = f.info.tokens_after ?? 0;
  const w: StreamWriter = anthropic ? anthropicStream(f.model, estimate) : openaiStream(f.model, f.req.includeUsage, estimate);
  sseHeaders(res, f.info);
  await write(res, w.start());
  try {
    if (!first.done) await write(res, w.delta(first.value));
    for (;;) {
      const n = await it.next();
      if (n.done) break;
      await write(res, w.delta(n.value));
    }
    const r = await s.result;
    await write(res, w.finish(r) + w.contextInfo(f.info) + w.done());
    res.end();
    return { status: 200, promptTokens: r.usage?.promptTokens, completionTokens: r.usage?.completionTokens };
  } catch (e) {
    const err = providerError(e);
    if (err.code === 'ABORTED' || f.signal.aborted) throw new ProxyError(499, 'the client closed the request', 'ABORTED');
    await write(res, w.error(err.message, err.code, err.status));
    res.end();
    return { status: 200, error: err.code };
  }
}

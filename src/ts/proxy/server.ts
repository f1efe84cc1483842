// The proxy's HTTP server (Node's own `http`): routes, authentication, body limits, one log line
// and the metrics of each request, and a graceful shutdown (requests in flight finish, new ones
// get 503, then the store is closed).
import { ContextManager, countCacheStats, createProvider, models, type Provider } from 'contextwise';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, type Config } from './config.js';
import { ContextEngine, conversationId, hasImages, type StoreLink } from './context.js';
import { ProxyError, errorBody, readAnthropic, readOpenAI, type ClientFormat, type ClientRequest } from './formats.js';
import { log, logs } from './log.js';
import { Metrics } from './metrics.js';
import { passThrough, providerError, sameFormat, scrubber, translated, type Outcome } from './upstream.js';

export interface RunningProxy {
  /** The port it listens on (useful with PORT=0). */
  port: number;
  /** Stops taking requests (503), waits for those in flight (at most SHUTDOWN_TIMEOUT), closes everything. */
  shutdown(reason?: string): Promise<void>;
}

/** Fields of one request's log line. */
type Fields = Record<string, unknown>;

const ROUTES = new Set(['/v1/chat/completions', '/v1/messages', '/v1/messages/count_tokens', '/v1/models', '/health', '/metrics']);

/** `/chat/completions` etc. without the `/v1` a base URL may lack. */
function routeOf(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
  return ROUTES.has(path) ? path : ROUTES.has(`/v1${path}`) ? `/v1${path}` : path;
}

/** Opens the store STORE names; a store that falls back to memory is a configuration error here. */
async function openStore(cfg: Config): Promise<StoreLink | undefined> {
  if (cfg.store.kind === 'memory') return undefined;
  const store = cfg.store.kind === 'sqlite' ? { kind: 'sqlite' as const, path: cfg.store.path } : { kind: 'postgres' as const, connectionString: cfg.store.connectionString };
  let manager: ContextManager;
  try {
    manager = await ContextManager.open({ appName: 'contextwise-proxy', store });
  } catch (e) {
    throw new ConfigError(`STORE: ${(e as Error).message}`);
  }
  const info = await manager.storage();
  if (info.kind !== cfg.store.kind) {
    await manager.close();
    throw new ConfigError(`STORE: the ${cfg.store.kind} store is not available (${info.detail})`);
  }
  return { manager };
}

export async function startProxy(cfg: Config, version: string): Promise<RunningProxy> {
  const store = await openStore(cfg);
  const engine = new ContextEngine(cfg, store);
  const metrics = new Metrics();
  const scrub = scrubber(cfg);
  const provider: Provider = createProvider({ kind: cfg.upstream.kind, baseUrl: cfg.upstream.baseUrl, apiKey: cfg.upstream.apiKey, timeoutMs: cfg.upstream.timeoutMs, retries: 0 });
  const started = Date.now();
  const probe = reachability(cfg);
  const listModels = modelLister(cfg);
  let inFlight = 0;
  let total = 0;
  let draining = false;
  let drained: (() => void) | undefined;

  const keyHash = cfg.serverApiKey ? createHash('sha256').update(cfg.serverApiKey).digest() : undefined;
  const authorized = (req: IncomingMessage): boolean => {
    if (!keyHash) return true;
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    const x = req.headers['x-api-key'];
    return [bearer, typeof x === 'string' ? x : undefined].some((k) => k !== undefined && timingSafeEqual(createHash('sha256').update(k).digest(), keyHash));
  };

  function sendError(res: ServerResponse, format: ClientFormat, e: ProxyError) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(e.status, { 'content-type': 'application/json', ...e.headers });
    res.end(JSON.stringify(errorBody(format, e.status, scrub(e.message), e.code)));
  }

  async function chat(format: ClientFormat, req: IncomingMessage, res: ServerResponse, f: Fields): Promise<Outcome> {
    const creq = parse(format, await readBody(req, cfg.maxRequestBytes));
    const model = upstreamModel(cfg, creq);
    Object.assign(f, { model: creq.model, upstream_model: model, stream: creq.stream, messages: creq.messages.length });
    if (logs('debug')) f.preview = preview(creq);
    const header = req.headers['x-session-id'] ?? req.headers['x-claude-code-session-id'];
    const conversation = conversationId(typeof header === 'string' ? header : undefined, creq.messages);
    const ac = new AbortController();
    res.on('close', () => { if (!res.writableFinished) ac.abort(); });
    const prepared = await engine.prepare({ messages: creq.messages, tools: creq.tools, model, maxTokens: creq.maxTokens, conversation });
    const info = prepared.info;
    Object.assign(f, { conversation, risk_level: info.risk_level, tokens_before: info.tokens_before, tokens_after: info.tokens_after, condensed: info.condensation_applied, strategy: info.strategy, reused: info.reused, context_ms: info.processing_time_ms });
    if (info.tokens_before !== null) metrics.tokens.inc({ stage: 'received' }, info.tokens_before);
    if (info.tokens_after !== null) metrics.tokens.inc({ stage: 'forwarded' }, info.tokens_after);
    if (info.condensation_applied) {
      metrics.condensations.inc({ strategy: info.strategy ?? 'none', reused: String(info.reused) });
      metrics.tokensSaved.inc(info.tokens_saved);
    }
    const forward = {
      req: creq, messages: prepared.messages, model, info, signal: ac.signal,
      // Anthropic needs max_tokens: the model's max output (at most 8,192) when the client gave none
      defaultMaxTokens: cfg.upstream.kind === 'anthropic' ? Math.min(8192, engine.info(model).maxOutputTokens) : undefined,
    };
    const t = performance.now();
    const out = sameFormat(cfg, creq) ? await passThrough(cfg, forward, res, req.headers, scrub) : await translated(provider, forward, res);
    engine.recordUsage(conversation, { model, promptTokens: out.promptTokens, completionTokens: out.completionTokens, latencyMs: performance.now() - t });
    return out;
  }

  async function countTokens(req: IncomingMessage, res: ServerResponse, f: Fields): Promise<Outcome> {
    const creq = parse('anthropic', await readBody(req, cfg.maxRequestBytes));
    const model = upstreamModel(cfg, creq);
    Object.assign(f, { model: creq.model, upstream_model: model });
    let total: number;
    try {
      total = engine.count(creq.messages, creq.tools, model);
    } catch (e) {
      throw providerError(e);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ input_tokens: total }));
    return { status: 200 };
  }

  async function health(res: ServerResponse): Promise<Outcome> {
    const upstream = await probe();
    const c = countCacheStats();
    const status = draining ? 'draining' : upstream.reachable ? 'ok' : 'degraded';
    const storage = store ? await store.manager.storage().catch((e) => ({ kind: cfg.store.kind, persistent: true, detail: `unavailable: ${(e as Error).message}` })) : { kind: 'memory', persistent: false, detail: 'conversations\' condensed views are kept in this process only' };
    const body = {
      status, version, uptime_s: Math.round((Date.now() - started) / 1000),
      upstream: { kind: cfg.upstream.kind, base_url: cfg.upstream.baseUrl, ...upstream },
      store: { kind: storage.kind, persistent: storage.persistent, detail: scrub(storage.detail) },
      count_cache: { hits: c.hits, misses: c.misses, hit_ratio: c.hits + c.misses ? c.hits / (c.hits + c.misses) : 0, size: c.size },
      condensations: { count: engine.stats.condensations, reused: engine.stats.reused, tokens_saved: engine.stats.tokensSaved, by_strategy: engine.stats.byStrategy },
      requests: { total, in_flight: inFlight },
    };
    res.writeHead(draining ? 503 : 200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
    return { status: draining ? 503 : 200 };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const t0 = performance.now();
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', id);
    const route = routeOf(req.url);
    const format: ClientFormat = route.startsWith('/v1/messages') ? 'anthropic' : 'openai';
    const f: Fields = { msg: 'request', id, method: req.method, path: route };
    let out: Outcome = { status: 500 };
    if (draining) {
      res.setHeader('connection', 'close');
      if (route === '/health') await health(res);
      else sendError(res, format, new ProxyError(503, 'the proxy is shutting down; retry on another instance', 'SHUTTING_DOWN', { 'retry-after': '1' }));
      log('info', { ...f, status: 503, latency_ms: ms(t0) });
      return;
    }
    inFlight++;
    total++;
    metrics.inFlight.inc();
    try {
      const get = req.method === 'GET' || req.method === 'HEAD';
      if (route === '/health' && get) out = await health(res);
      else if (!ROUTES.has(route)) throw new ProxyError(404, `no route ${req.method} ${route.slice(0, 100)}; the proxy serves POST /v1/chat/completions, POST /v1/messages, POST /v1/messages/count_tokens, GET /v1/models, GET /health, GET /metrics`, 'NOT_FOUND');
      else if (!authorized(req)) throw new ProxyError(401, 'missing or wrong API key: send the proxy\'s SERVER_API_KEY as Authorization: Bearer <key> or x-api-key: <key>', 'UNAUTHORIZED');
      else if (route === '/metrics' && get) {
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
        out = { status: 200 };
      } else if (route === '/v1/models' && get) {
        const anthropic = typeof req.headers['anthropic-version'] === 'string';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(await listModels(anthropic)));
        out = { status: 200 };
      } else if (req.method !== 'POST' || route === '/health' || route === '/metrics' || route === '/v1/models') {
        throw new ProxyError(405, `${req.method} is not allowed on ${route}`, 'METHOD_NOT_ALLOWED');
      } else if (route === '/v1/messages/count_tokens') out = await countTokens(req, res, f);
      else out = await chat(route === '/v1/messages' ? 'anthropic' : 'openai', req, res, f);
    } catch (e) {
      const err = e instanceof ProxyError ? e : providerError(e);
      out = { status: err.status, error: err.code };
      if (err.status !== 499) sendError(res, format, err);
      if (err.status === 413 || err.status === 401) req.resume();
    } finally {
      inFlight--;
      metrics.inFlight.dec();
      if (out.error?.startsWith('PROVIDER_') || out.error === 'RESPONSE_TOO_LARGE') metrics.upstreamErrors.inc({ code: out.error });
      metrics.requests.inc({ endpoint: ROUTES.has(route) ? route : 'other', format, status: String(out.status) });
      metrics.duration.observe({ endpoint: ROUTES.has(route) ? route : 'other' }, (performance.now() - t0) / 1000);
      const usage = out.promptTokens !== undefined || out.completionTokens !== undefined ? { prompt_tokens: out.promptTokens, completion_tokens: out.completionTokens } : {};
      log(out.status >= 500 && out.status !== 503 ? 'warn' : 'info', { ...f, status: out.status, ...(out.error ? { error: out.error } : {}), ...usage, latency_ms: ms(t0) });
      if (draining && inFlight === 0) drained?.();
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      log('error', { msg: 'unhandled', error: (e as Error)?.message });
      if (!res.headersSent) { res.writeHead(500); res.end(); } else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new ConfigError(`cannot listen on ${cfg.host}:${cfg.port} (HOST, PORT): ${(e as Error).message}`)));
    server.listen(cfg.port, cfg.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  let stopping: Promise<void> | undefined;
  return {
    port,
    shutdown(reason = 'shutdown') {
      stopping ??= (async () => {
        draining = true;
        log('info', { msg: 'draining', reason, in_flight: inFlight });
        if (inFlight > 0) {
          await new Promise<void>((resolve) => {
            drained = resolve;
            setTimeout(() => {
              log('warn', { msg: 'shutdown timeout', in_flight: inFlight, shutdown_timeout_s: cfg.shutdownTimeoutMs / 1000 });
              resolve();
            }, cfg.shutdownTimeoutMs).unref();
          });
        }
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await store?.manager.close().catch(() => {});
        log('info', { msg: 'stopped', requests: total });
      })();
      return stopping;
    },
  };
}

const ms = (t0: number) => Math.round((performance.now() - t0) * 100) / 100;

function parse(format: ClientFormat, body: Buffer): ClientRequest {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ProxyError(400, 'the request body is not valid JSON', 'INVALID_REQUEST');
  }
  return format === 'openai' ? readOpenAI(json, body) : readAnthropic(json, body);
}

/** The request body, at most `limit` bytes; a larger one is drained (so the client reads the 413) and refused. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => new ProxyError(413, `the request body is larger than ${limit} bytes (MAX_REQUEST_BYTES)`, 'REQUEST_TOO_LARGE', { connection: 'close' });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) throw tooLarge();
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** AUTOTEXT_MODEL / AUTOVISION_MODEL: the upstream model for requests without and with images; else the client's. */
function upstreamModel(cfg: Config, r: ClientRequest): string {
  if (cfg.autovisionModel && hasImages(r.messages)) return cfg.autovisionModel;
  return cfg.autotextModel ?? r.model;
}

/** Debug logs: the start of the last message (never keys). */
function preview(r: ClientRequest): string {
  const last = r.messages[r.messages.length - 1];
  const c = last?.content;
  const text = typeof c === 'string' ? c : Array.isArray(c) ? c.map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).join(' ') : '';
  return text.slice(0, 200);
}

/** Where the upstream lists its models (also the reachability probe). */
function modelsUrl(cfg: Config): string {
  const b = cfg.upstream.baseUrl;
  return cfg.upstream.kind === 'openai' ? `${b}/models` : cfg.upstream.kind === 'anthropic' ? `${b}/v1/models` : `${b}/api/tags`;
}

function upstreamHeaders(cfg: Config): Record<string, string> {
  const k = cfg.upstream.apiKey;
  if (cfg.upstream.kind === 'anthropic') return { 'anthropic-version': '2023-06-01', ...(k ? { 'x-api-key': k } : {}) };
  return k ? { authorization: `Bearer ${k}` } : {};
}

/** Upstream reachability for /health: any HTTP answer counts, checked at most every 10 s. */
function reachability(cfg: Config) {
  let last: { at: number; value: Record<string, unknown> & { reachable: boolean } } | undefined;
  let pending: Promise<Record<string, unknown> & { reachable: boolean }> | undefined;
  return async () => {
    if (last && Date.now() - last.at < 10_000) return last.value;
    pending ??= (async () => {
      const t0 = performance.now();
      try {
        const r = await fetch(modelsUrl(cfg), { headers: upstreamHeaders(cfg), signal: AbortSignal.timeout(2000), redirect: 'manual' });
        await r.body?.cancel().catch(() => {});
        return { reachable: true, http_status: r.status, latency_ms: ms(t0) };
      } catch (e) {
        const cause = (e as { cause?: { code?: string } }).cause?.code;
        return { reachable: false, error: cause ?? (e as Error).name };
      }
    })().then((value) => {
      last = { at: Date.now(), value: { ...value, checked_at: new Date().toISOString() } };
      pending = undefined;
      return last.value;
    });
    return pending;
  };
}

/** GET /v1/models: the configured models and the upstream's list (cached a minute), in the client's format. */
function modelLister(cfg: Config) {
  let cached: { at: number; ids: string[] } | undefined;
  async function upstreamIds(): Promise<string[]> {
    if (cached && Date.now() - cached.at < 60_000) return cached.ids;
    let ids: string[] = [];
    try {
      const r = await fetch(modelsUrl(cfg), { headers: upstreamHeaders(cfg), signal: AbortSignal.timeout(5000), redirect: 'manual' });
      if (r.ok) {
        const v = await r.json() as { data?: { id?: unknown }[]; models?: { name?: unknown; model?: unknown }[] };
        ids = (v.data?.map((m) => m.id) ?? v.models?.map((m) => m.name ?? m.model) ?? []).filter((x): x is string => typeof x === 'string').slice(0, 1000);
      } else await r.body?.cancel().catch(() => {});
    } catch { /* unreachable: the configured and registry models below */ }
    cached = { at: Date.now(), ids };
    return ids;
  }
  return async (anthropic: boolean) => {
    const configured = [cfg.autotextModel, cfg.autovisionModel].filter((m): m is string => !!m);
    let ids = [...new Set([...configured, ...await upstreamIds()])];
    if (!ids.length) ids = models.list().filter((m) => (cfg.upstream.kind === 'ollama' ? m.local : m.provider === cfg.upstream.kind)).map((m) => m.id);
    const created = Math.floor(Date.now() / 1000);
    return anthropic
      ? { data: ids.map((id) => ({ type: 'model', id, display_name: id, created_at: new Date(created * 1000).toISOString() })), has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null }
      : { object: 'list', data: ids.map((id) => ({ id, object: 'model', created, owned_by: cfg.upstream.kind })) };
  };
}

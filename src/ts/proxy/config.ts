// The proxy's configuration: one table of options, each read from a flag (`--max-history-tokens
// 20000` or `--max-history-tokens=20000`) or an environment variable (`MAX_HISTORY_TOKENS`), the
// flag winning. The table is also the `--help` text and what the README documents. A value that
// is not valid stops the proxy at start with a message naming the variable (never quoting a
// secret).

/** Where the proxy sends requests. */
export type UpstreamKind = 'openai' | 'anthropic' | 'ollama';
/** The first strategy of the condensation chain (relevant → summary → extractive → truncate). */
export type Strategy = 'relevant' | 'summary' | 'extractive' | 'truncate';
/** Where conversations' condensed views, summaries, facts and usage are kept. */
export type StoreConfig = { kind: 'memory' } | { kind: 'sqlite'; path: string } | { kind: 'postgres'; connectionString: string };

export interface Config {
  host: string;
  port: number;
  upstream: { kind: UpstreamKind; baseUrl: string; apiKey?: string; timeoutMs: number };
  serverApiKey?: string;
  maxHistoryTokens: number;
  compression: boolean;
  preserveRecentMessages: number;
  thresholds: { caution: number; warning: number; critical: number };
  strategy: Strategy;
  condensationTimeoutMs: number;
  cacheTtlMs: number;
  summary?: { kind: UpstreamKind; baseUrl: string; apiKey?: string; model: string };
  autotextModel?: string;
  autovisionModel?: string;
  store: StoreConfig;
  maxRequestBytes: number;
  defaultContextWindow: number;
  logLevel: 'info' | 'debug' | 'silent';
  shutdownTimeoutMs: number;
}

/** A configuration that cannot be used: the message names the variable (or flag). */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

interface Option {
  /** Environment variables, the documented one first (others: the seeds' names). */
  env: string[];
  /** What `--help` and the README show as the default. */
  default: string;
  help: string;
  /** Never echoed in errors. */
  secret?: boolean;
}

/** Every option, in the order `--help` lists them. The flag of `FOO_BAR` is `--foo-bar`. */
export const OPTIONS: Option[] = [
  { env: ['HOST'], default: '127.0.0.1', help: 'address to listen on (0.0.0.0 for every interface: set SERVER_API_KEY then)' },
  { env: ['PORT'], default: '4000', help: 'port to listen on (0: any free port, printed in the start-up log line)' },
  { env: ['UPSTREAM_KIND'], default: 'openai', help: 'wire format of the upstream: openai (OpenAI, DeepSeek, vLLM, llama.cpp, Ollama /v1 …), anthropic or ollama (native /api/chat)' },
  { env: ['UPSTREAM_BASE_URL', 'BASE_URL'], default: 'by kind: https://api.openai.com/v1, https://api.anthropic.com, http://127.0.0.1:11434', help: 'base URL of the upstream API' },
  { env: ['UPSTREAM_API_KEY', 'API_KEY'], default: '(none)', help: 'key sent to the upstream (Authorization: Bearer, or x-api-key for anthropic); clients\' own keys are never forwarded', secret: true },
  { env: ['UPSTREAM_TIMEOUT'], default: '300', help: 'seconds to wait for the upstream\'s response headers and then for each part of a stream' },
  { env: ['SERVER_API_KEY'], default: '(none: no authentication)', help: 'key clients must send (Authorization: Bearer <key> or x-api-key: <key>); /health never needs it', secret: true },
  { env: ['MAX_HISTORY_TOKENS'], default: '30000', help: 'most tokens of the whole forwarded prompt (system, summary, facts, recent turns, the question, tool definitions); 0: the model\'s usable window' },
  { env: ['CONTEXT_COMPRESSION_ENABLED'], default: 'true', help: 'condense long conversations (false: count, assess and report only)' },
  { env: ['PRESERVE_RECENT_MESSAGES'], default: '8', help: 'last messages always forwarded verbatim, as whole turns (fewer when they alone do not fit)' },
  { env: ['CONDENSATION_CAUTION_THRESHOLD'], default: '0.70', help: 'utilization of the limit from which the risk level is CAUTION' },
  { env: ['CONDENSATION_WARNING_THRESHOLD'], default: '0.80', help: 'utilization from which the level is WARNING: the prompt is condensed from here' },
  { env: ['CONDENSATION_CRITICAL_THRESHOLD'], default: '0.90', help: 'utilization from which the level is CRITICAL' },
  { env: ['CONDENSATION_DEFAULT_STRATEGY'], default: 'relevant with SUMMARY_LLM_MODEL, else extractive', help: 'first strategy of the chain relevant → summary → extractive → truncate (conversation_summary = summary)' },
  { env: ['CONDENSATION_TIMEOUT'], default: '30', help: 'seconds a summary-model call may take before the chain falls back' },
  { env: ['CONDENSATION_CACHE_TTL'], default: '3600', help: 'seconds a conversation\'s condensed view (summary and facts) is reused' },
  { env: ['SUMMARY_LLM_MODEL'], default: '(none: local extractive condensation)', help: 'model that writes relevance extracts and summaries' },
  { env: ['SUMMARY_LLM_BASE_URL'], default: 'UPSTREAM_BASE_URL', help: 'base URL of the summary model\'s API' },
  { env: ['SUMMARY_LLM_API_KEY'], default: 'UPSTREAM_API_KEY', help: 'key of the summary model\'s API', secret: true },
  { env: ['SUMMARY_LLM_KIND'], default: 'UPSTREAM_KIND', help: 'wire format of the summary model\'s API: openai, anthropic or ollama' },
  { env: ['AUTOTEXT_MODEL'], default: '(none: the client\'s model)', help: 'upstream model for requests without images, whatever model the client names' },
  { env: ['AUTOVISION_MODEL'], default: '(none: AUTOTEXT_MODEL or the client\'s model)', help: 'upstream model for requests with images' },
  { env: ['STORE'], default: 'memory', help: 'memory, a SQLite file path (sqlite:<path> or a path ending .sqlite/.db) or a postgres:// connection string; Postgres lets several proxies share conversations', secret: true },
  { env: ['MAX_REQUEST_BYTES'], default: '33554432', help: 'largest request body in bytes (32 MiB); larger requests get 413' },
  { env: ['DEFAULT_CONTEXT_WINDOW'], default: '128000', help: 'context window assumed for models contextwise\'s registry does not know (counted with o200k_base, estimated)' },
  { env: ['LOG_LEVEL'], default: 'info', help: 'info: one JSON line per request on stdout; debug: also message previews (never keys); silent' },
  { env: ['SHUTDOWN_TIMEOUT'], default: '30', help: 'seconds SIGTERM / SIGINT waits for requests in flight before the proxy exits' },
];

/** The flag of an environment variable: `MAX_HISTORY_TOKENS` → `--max-history-tokens`. */
export const flagOf = (env: string): string => `--${env.toLowerCase().replace(/_/g, '-')}`;

/** `--help`. */
export function helpText(version: string): string {
  const lines = [
    `contextwise ${version} — an OpenAI- and Anthropic-compatible proxy that manages context`,
    '',
    'Usage: npx contextwise proxy [options]',
    '       npx contextwise --help | --version',
    '',
    'Serves POST /v1/chat/completions, POST /v1/messages, POST /v1/messages/count_tokens,',
    'GET /v1/models, GET /health and GET /metrics. Every option is a flag or an environment',
    'variable (the flag wins); `--flag value` and `--flag=value` both work.',
    '',
    'Options:',
  ];
  for (const o of OPTIONS) {
    const also = o.env.length > 1 ? ` (also ${o.env.slice(1).join(', ')})` : '';
    lines.push(`  ${flagOf(o.env[0])} <value>   ${o.env[0]}${also}`);
    lines.push(`      ${o.help}`);
    lines.push(`      default: ${o.default}`);
  }
  lines.push('  -h, --help      this text', '  -v, --version   the version');
  return lines.join('\n') + '\n';
}

/** The raw values: flags over environment variables. */
function rawValues(argv: string[], env: Record<string, string | undefined>): Map<string, { value: string; from: string }> {
  const byFlag = new Map(OPTIONS.map((o) => [flagOf(o.env[0]), o]));
  const out = new Map<string, { value: string; from: string }>();
  for (const o of OPTIONS) {
    for (const name of o.env) {
      const v = env[name];
      if (v !== undefined && v !== '' && !out.has(o.env[0])) out.set(o.env[0], { value: v, from: name });
    }
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const o = byFlag.get(flag);
    if (!o) throw new ConfigError(`unknown option '${flag.slice(0, 60)}' (see --help)`);
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    out.set(o.env[0], { value, from: flag });
  }
  return out;
}

const DEFAULT_BASE: Record<UpstreamKind, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  ollama: 'http://127.0.0.1:11434',
};

/** Reads and checks the configuration; throws ConfigError naming the first bad variable. */
export function readConfig(argv: string[], env: Record<string, string | undefined>): Config {
  const raw = rawValues(argv, env);
  const secret = new Set(OPTIONS.filter((o) => o.secret).map((o) => o.env[0]));
  const bad = (name: string, what: string): never => {
    const r = raw.get(name)!;
    const shown = secret.has(name) ? '' : `, got '${r.value.slice(0, 80)}'`;
    const via = r.from === name ? name : `${r.from} (${name})`;
    throw new ConfigError(`${via} must be ${what}${shown}`);
  };
  const str = (name: string): string | undefined => raw.get(name)?.value;
  const int = (name: string, def: number, min: number, max: number): number => {
    const v = str(name);
    if (v === undefined) return def;
    const n = Number(v.trim());
    if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) bad(name, `a whole number from ${min} to ${max}`);
    return n;
  };
  const seconds = (name: string, def: number): number => {
    const v = str(name);
    if (v === undefined) return def * 1000;
    const n = Number(v.trim());
    if (v.trim() === '' || !Number.isFinite(n) || n <= 0 || n * 1000 > 2_147_483_647) bad(name, 'a positive number of seconds (at most 2147483)');
    return Math.round(n * 1000);
  };
  const ratio = (name: string, def: number): number => {
    const v = str(name);
    if (v === undefined) return def;
    const n = Number(v.trim());
    if (v.trim() === '' || !(n > 0 && n <= 1)) bad(name, 'a number in (0, 1]');
    return n;
  };
  const bool = (name: string, def: boolean): boolean => {
    const v = str(name)?.trim().toLowerCase();
    if (v === undefined) return def;
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    return bad(name, 'true or false');
  };
  const kind = (name: string, def: UpstreamKind): UpstreamKind => {
    const v = str(name)?.trim().toLowerCase() ?? def;
    if (v !== 'openai' && v !== 'anthropic' && v !== 'ollama') bad(name, 'openai, anthropic or ollama');
    return v as UpstreamKind;
  };
  const url = (name: string, def: string): string => {
    const v = str(name)?.trim() ?? def;
    let u: URL | undefined;
    try { u = new URL(v); } catch { /* below */ }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) bad(name, 'an http:// or https:// URL');
    if (u!.username || u!.password) bad(name, 'a URL without credentials (put the key in the API key variable)');
    return v.replace(/\/+$/, '');
  };
  const model = (name: string): string | undefined => {
    const v = str(name)?.trim();
    if (v !== undefined && (!v || v.length > 200 || /\s/.test(v))) bad(name, 'a model id (no spaces, at most 200 characters)');
    return v;
  };
  const key = (name: string): string | undefined => {
    const v = str(name);
    if (v !== undefined && (/[\r\n]/.test(v) || v.length > 4096)) bad(name, 'a key on one line (at most 4096 characters)');
    return v;
  };

  const host = str('HOST')?.trim() ?? '127.0.0.1';
  if (!host || /[\s/]/.test(host)) bad('HOST', 'a host name or IP address');
  const upstreamKind = kind('UPSTREAM_KIND', 'openai');
  const upstream = {
    kind: upstreamKind,
    baseUrl: url('UPSTREAM_BASE_URL', DEFAULT_BASE[upstreamKind]),
    apiKey: key('UPSTREAM_API_KEY'),
    timeoutMs: seconds('UPSTREAM_TIMEOUT', 300),
  };
  const thresholds = {
    caution: ratio('CONDENSATION_CAUTION_THRESHOLD', 0.7),
    warning: ratio('CONDENSATION_WARNING_THRESHOLD', 0.8),
    critical: ratio('CONDENSATION_CRITICAL_THRESHOLD', 0.9),
  };
  if (!(thresholds.caution < thresholds.warning)) bad(raw.has('CONDENSATION_WARNING_THRESHOLD') ? 'CONDENSATION_WARNING_THRESHOLD' : 'CONDENSATION_CAUTION_THRESHOLD', 'above CONDENSATION_CAUTION_THRESHOLD (they increase: caution < warning < critical)');
  if (!(thresholds.warning < thresholds.critical)) bad(raw.has('CONDENSATION_CRITICAL_THRESHOLD') ? 'CONDENSATION_CRITICAL_THRESHOLD' : 'CONDENSATION_WARNING_THRESHOLD', 'above CONDENSATION_WARNING_THRESHOLD (they increase: caution < warning < critical)');

  const summaryModel = model('SUMMARY_LLM_MODEL');
  const summaryKind = kind('SUMMARY_LLM_KIND', upstream.kind);
  const summary = summaryModel === undefined ? undefined : {
    kind: summaryKind,
    baseUrl: raw.has('SUMMARY_LLM_BASE_URL') ? url('SUMMARY_LLM_BASE_URL', '') : (raw.has('SUMMARY_LLM_KIND') && summaryKind !== upstream.kind ? DEFAULT_BASE[summaryKind] : upstream.baseUrl),
    apiKey: key('SUMMARY_LLM_API_KEY') ?? upstream.apiKey,
    model: summaryModel,
  };
  for (const n of ['SUMMARY_LLM_BASE_URL', 'SUMMARY_LLM_API_KEY', 'SUMMARY_LLM_KIND']) {
    if (raw.has(n) && !summary) bad(n, 'used with SUMMARY_LLM_MODEL (set the model too, or remove it)');
  }
  const aliases: Record<string, Strategy> = { relevant: 'relevant', relevance: 'relevant', summary: 'summary', conversation_summary: 'summary', extractive: 'extractive', truncate: 'truncate', truncation: 'truncate' };
  let strategy: Strategy = summary ? 'relevant' : 'extractive';
  const s = str('CONDENSATION_DEFAULT_STRATEGY');
  if (s !== undefined) {
    const found = aliases[s.trim().toLowerCase()];
    if (!found) bad('CONDENSATION_DEFAULT_STRATEGY', 'relevant, summary, extractive or truncate');
    if ((found === 'relevant' || found === 'summary') && !summary) bad('CONDENSATION_DEFAULT_STRATEGY', `extractive or truncate without SUMMARY_LLM_MODEL ('${found}' needs a summary model)`);
    strategy = found;
  }

  const level = (str('LOG_LEVEL')?.trim().toLowerCase() ?? 'info');
  if (level !== 'info' && level !== 'debug' && level !== 'silent') bad('LOG_LEVEL', 'info, debug or silent');

  return {
    host,
    port: int('PORT', 4000, 0, 65535),
    upstream,
    serverApiKey: key('SERVER_API_KEY'),
    maxHistoryTokens: int('MAX_HISTORY_TOKENS', 30000, 0, 100_000_000),
    compression: bool('CONTEXT_COMPRESSION_ENABLED', true),
    preserveRecentMessages: int('PRESERVE_RECENT_MESSAGES', 8, 1, 10_000),
    thresholds,
    strategy,
    condensationTimeoutMs: seconds('CONDENSATION_TIMEOUT', 30),
    cacheTtlMs: seconds('CONDENSATION_CACHE_TTL', 3600),
    summary,
    autotextModel: model('AUTOTEXT_MODEL'),
    autovisionModel: model('AUTOVISION_MODEL'),
    store: storeOf(str('STORE'), (what) => bad('STORE', what)),
    maxRequestBytes: int('MAX_REQUEST_BYTES', 32 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    defaultContextWindow: int('DEFAULT_CONTEXT_WINDOW', 128_000, 1024, 100_000_000),
    logLevel: level as Config['logLevel'],
    shutdownTimeoutMs: seconds('SHUTDOWN_TIMEOUT', 30),
  };
}

function storeOf(v: string | undefined, bad: (what: string) => never): StoreConfig {
  const s = v?.trim();
  if (s === undefined || s === 'memory') return { kind: 'memory' };
  if (/^postgres(ql)?:\/\//i.test(s)) {
    try { new URL(s); } catch { bad('a valid postgres:// URL'); }
    return { kind: 'postgres', connectionString: s };
  }
  if (/^sqlite:/i.test(s)) {
    const path = s.slice('sqlite:'.length);
    if (!path) bad('sqlite:<path to a file>');
    return { kind: 'sqlite', path };
  }
  if (/\.(sqlite3?|db)$/i.test(s)) return { kind: 'sqlite', path: s };
  return bad("memory, sqlite:<path>, a path ending .sqlite or .db, or a postgres:// connection string");
}

/** What the start-up log line may show of the configuration: no keys, no credentials. */
export function describeConfig(c: Config): Record<string, unknown> {
  return {
    host: c.host,
    upstream: { kind: c.upstream.kind, baseUrl: c.upstream.baseUrl, apiKey: c.upstream.apiKey ? 'set' : 'none' },
    auth: c.serverApiKey ? 'SERVER_API_KEY' : 'none',
    maxHistoryTokens: c.maxHistoryTokens,
    compression: c.compression,
    strategy: c.strategy,
    summaryModel: c.summary?.model ?? null,
    store: c.store.kind,
    autotextModel: c.autotextModel ?? null,
    autovisionModel: c.autovisionModel ?? null,
  };
}

// Type-checked by `npm test` (tsc --noEmit): the generated declarations describe the API a user
// writes against, and reject misuse.
import {
  init, loadEncoding, countTokens, countMessages, assessRisk, encode, decode, isWithinTokenLimit, models, calibrate,
  isContextwiseError, countCacheStats, configureCountCache, configureLimits, planCondensation, createInstance,
  summaryCacheStats, configureSummaryCache, condense, createProvider, usageStats,
  type ChatResult, type StreamDelta, type Provider, route, routedChat, routingStats, type RouteDecision,
  ContextManager, type Session, type StoreAdapter, type FactRecord, type MessageRecord, type SessionListing, type MemoryHit, type Export, type StorageInfo, type TurnReceipt,
  type CondensationPlan, type CondenseResult, type Fact, type ChatMessage, type ChatCount, type RiskAssessment, type ModelInfo, type RiskLevel, type ErrorCode,
} from 'contextwise';
import * as nodeBuild from 'contextwise-node';

export async function main(): Promise<void> {
  await init();
  await loadEncoding('o200k_base');
  await loadEncoding('cl100k_base', new Uint8Array(10));
  await loadEncoding('cl100k_base', new URL('https://example.com/cl100k_base.cwr'));
  const n: number = countTokens('hello', { model: 'gpt-4o' });
  const m: number = countTokens('hello', { encoding: 'cl100k_base' });
  const ids: Uint32Array = encode('hello', { encoding: 'o200k_base', allowedSpecial: 'all' });
  const text: string = decode(ids, { encoding: 'o200k_base' });
  const within: number | false = isWithinTokenLimit(text, 100, { model: 'gpt-4o' });
  const messages: ChatMessage[] = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'What is in this image?' }, { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } }] },
    { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'c1', content: '42' },
  ];
  const c: ChatCount = countMessages(messages, { model: 'gpt-4o', tools: [{ type: 'function', function: { name: 'f' } }] });
  const r: RiskAssessment = assessRisk(messages, { model: 'gpt-4o', reserveOutput: 1000, thresholds: { caution: 0.6 } });
  const level: RiskLevel = r.level;
  const info: ModelInfo = models.get('gpt-4o');
  models.register({ id: 'mine', provider: 'custom', tokenizer: { encoding: 'o200k_base' }, contextWindow: 8000, maxOutputTokens: 1000 });
  const f: number = calibrate('claude-sonnet-4-5', c.total, 1234);
  configureCountCache({ capacity: 100 });
  const hits: number = countCacheStats().hits;
  try { countTokens('x', { model: 'nope' }); } catch (e) {
    if (isContextwiseError(e)) { const code: ErrorCode = e.code; void code; }
  }
  const plan: CondensationPlan = planCondensation(messages, { model: 'gpt-4o', target: 1000, strategy: 'extractive', pinned: [1] });
  const actions: string[] = plan.messages.map((m) => m.action);
  const done: CondenseResult = await condense(messages, {
    model: 'gpt-4o', strategy: 'summary', timeoutMs: 5000, provider: { complete: async (_s: string, _p: string, _max: number) => 'summary' },
  });
  const facts: Fact[] = done.facts;
  void [actions, facts, done.metrics.fallbacks.length];
  // @ts-expect-error: unknown strategy
  planCondensation(messages, { model: 'gpt-4o', strategy: 'magic' });
  const provider: Provider = createProvider({ kind: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKey: 'k', timeoutMs: 30000, retries: 3 });
  const answer: ChatResult = await provider.chat({ model: 'claude-sonnet-4-5', messages, maxTokens: 100, signal: new AbortController().signal });
  const stream = provider.stream({ model: 'claude-sonnet-4-5', messages });
  for await (const d of stream) { const delta: StreamDelta = d; void delta; }
  const final: ChatResult = await stream.result;
  const spent: number = usageStats().models['claude-sonnet-4-5']?.cost ?? 0;
  void [answer.usage?.promptTokens, final.cost, spent];
  createProvider({ kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', hotSwap: { cache: 'ssd', maxModels: 2 } });
  // @ts-expect-error: unknown provider kind
  createProvider({ kind: 'gemini', baseUrl: 'https://x' });
  const decision: RouteDecision = route(messages, { models: { primary: 'gpt-4o', code: 'deepseek-coder' }, rules: [{ pattern: 'sql', model: 'gpt-4o', flags: 'i' }], preferCheap: true });
  const routed = await routedChat(messages, { router: { default: 'gpt-4o' }, providers: { openai: provider } });
  void [decision.reason, decision.fallbacks[0], routed.decision.attempts?.length, routingStats().cheapShare];
  // @ts-expect-error: task is a closed set
  const t: RouteDecision['task'] = 'poetry';
  void t;
  const nodeCount: number = nodeBuild.countTokens('x', { encoding: 'o200k_base' });
  void [n, m, within, level, info.contextWindow, f, hits, nodeCount];

  // errors: provider fields narrow on the code; limits are typed
  try { await provider.chat({ model: 'gpt-4o', messages }); } catch (e) {
    if (isContextwiseError(e) && (e.code === 'PROVIDER_HTTP' || e.code === 'PROVIDER_REDIRECT') && e.status) void [e.status, e.retryable, e.provider];
  }
  try { countTokens('x', { model: 'gpt-4o' }); } catch (e) {
    if (isContextwiseError(e)) {
      switch (e.code) {
        case 'PROVIDER_HTTP': case 'PROVIDER_REDIRECT': void [e.status, e.provider, e.retryable]; break;
        case 'INPUT_TOO_LARGE': case 'INTERNAL': case 'RESPONSE_TOO_LARGE': case 'ABORTED': break;
        default: { const c: ErrorCode = e.code; void c; }
      }
    }
  }
  const tenant = createInstance();
  const tenantCount: number = tenant.countTokens('x', { model: 'gpt-4o' });
  tenant.models.register({ id: 'tenant-model', provider: 'local', tokenizer: { encoding: 'o200k_base' }, contextWindow: 4096, maxOutputTokens: 512 });
  const cacheSize: number = summaryCacheStats().size + tenant.summaryCacheStats().capacity;
  configureSummaryCache({ capacity: 64 });
  void [tenantCount, cacheSize];
  const limits: { maxInputChars: number; maxDepth: number } = configureLimits({ maxDepth: 32 });
  void limits;
  // @ts-expect-error: unknown limit
  configureLimits({ maxChars: 5 });

  // persistent memory
  const manager = await ContextManager.open({ appName: 'types', store: { kind: 'sqlite', path: 'x.sqlite' }, onEvent: (e) => { if (e.type === 'storage') void e.fallback; else if (e.type === 'condensation.done') void [e.tokensBefore, e.tokensAfter, e.message]; } });
  const where: StorageInfo = await manager.storage();
  const session = await manager.session(undefined, { title: 'Plans' });
  const rec: MessageRecord = await session.append({ role: 'user', content: 'hi' });
  // the turn loop
  const talking = await ContextManager.open({
    appName: 'types', store: 'memory',
    providers: { openai: { kind: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-x' } },
    router: { models: { primary: 'gpt-4o' } }, limits: { 'gpt-4o': { maxContextTokens: 10000 } },
    summarizationThreshold: 0.75, preserveRecentMessages: 8,
    condensation: { strategies: ['summary', 'extractive', 'truncate'], summarizer: 'gpt-4o-mini' }, memory: { crossSession: true },
  });
  const turn = await (await talking.session()).send('hello', { maxTokens: 200, signal: new AbortController().signal });
  const ctxInfo: { riskLevel: string; tokensSaved: number; attempts: { model: string; ok: boolean }[] } = turn.contextInfo;
  void [ctxInfo, turn.message.content, turn.usage?.promptTokens, turn.cost, turn.seq[1]];
  const preview = await (await talking.session()).plan("draft");
  const sent: { role: string }[] | undefined = preview.context;
  const condensed: { facts: number; summary?: string } = await (await talking.session()).condense();
  void [sent, condensed, preview.plan.sections];
  // @ts-expect-error: not an option
  await talking.session().then((s) => s.send('x', { maxTokenz: 1 }));
  const receipt: TurnReceipt = await session.commitTurn({
    messages: [{ role: 'assistant', content: 'hello' }],
    usage: [{ model: 'gpt-4o', promptTokens: 3, completionTokens: 1 }],
    facts: [{ kind: 'decision', text: 'use Postgres', source: [rec.seq] }],
    summary: { from: 0, to: 1, strategy: 'summary', text: 'greetings' },
  });
  const page: SessionListing = await manager.sessions({ limit: 20, cursor: null });
  const hitsAcross: MemoryHit[] = await manager.relevantMemory('database', { limit: 5, excludeSession: session.id });
  const dump: Export = await manager.export();
  await manager.import(dump, { onConflict: 'skip' });
  const recent: MessageRecord[] = await session.messages({ last: 50 });
  void [where.persistent, receipt.facts[0]?.id, page.cursor, hitsAcross[0]?.score, recent[0]?.message.role];
  // instance types; kinds are closed sets; absent values are null, as at runtime
  const keep: ContextManager = manager;
  const current: Session = await keep.session(session.id);
  const kind: 'indexeddb' | 'sqlite' | 'postgres' | 'adapter' | 'memory' = where.kind;
  const live: FactRecord[] = (await current.facts()).filter((f) => f.supersededBy === null);
  const title: string | null = (await current.info()).title;
  const next: string | null = page.cursor;
  await manager.import(JSON.stringify(dump));
  void [kind, live, title, next];
  // @ts-expect-error: the storage kind is a closed set
  const wrongKind: StorageInfo['kind'] = 'redis';
  void wrongKind;
  const adapter: StoreAdapter = {
    async get() { return undefined; }, async put() {}, async delete() {}, async list() { return []; },
    async batch(ops) { return ops.every((o) => o.type === 'put' || o.type === 'delete'); },
  };
  await ContextManager.open({ appName: 'own-db', store: adapter });
  await nodeBuild.ContextManager.open({ appName: 'pg', store: { kind: 'postgres', connectionString: 'postgres://x@y/z' } });
  // @ts-expect-error: unknown store kind
  await ContextManager.open({ appName: 'x', store: { kind: 'redis' } });
  // @ts-expect-error: appName is required
  await ContextManager.open({ store: 'memory' });

  // @ts-expect-error: the text must be a string
  countTokens(42, { model: 'gpt-4o' });
  // @ts-expect-error: give model or encoding, not both
  countTokens('x', { model: 'gpt-4o', encoding: 'o200k_base' });
  // @ts-expect-error: unknown encoding name
  await loadEncoding('latin1');
  // @ts-expect-error: unknown role
  countMessages([{ role: 'robot', content: 'x' }], { model: 'gpt-4o' });
  // @ts-expect-error: level is a closed set
  const bad: RiskLevel = 'FINE';
  void bad;
}

// Every code block of the README runs. Each block is tagged with an id (`<!-- example: id -->`);
// the ones for Node run here as written — with the few names they take as given (messages, an API
// key, a render function) defined before them, and calls to public provider APIs answered by local
// servers in the providers' documented formats — and what they produce is checked. The ones for
// other environments (Next.js, Vite, webpack, workers, Cloudflare Workers, the install command)
// are the project files of tests/js/matrix.test.mjs, which reads them from here.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { root, get_encoding, cw } from './helpers.mjs';
import { readmeBlocks } from './readme.mjs';
import { providerServer } from './provider-servers.mjs';

const run = promisify(execFile);
const scratch = path.join(root, 'tests/scratch/readme');
const blocks = readmeBlocks();

// Run by tests/js/matrix.test.mjs (Cloudflare Workers: workers.test.mjs; the AI SDK and LangChain.js:
// integrations.test.mjs), each in a fresh project of its kind.
const IN_MATRIX = ['install', 'next-client', 'next-route', 'next-edge', 'vite', 'worker', 'workers', 'ai-sdk', 'langchain', 'count'];
// Checked here, by kind.
const NODE = ['quick', 'node', 'condense', 'recall', 'providers', 'routing', 'instances', 'sessions', 'typescript', 'turn'];
const OTHER = ['adapter-interface', 'export-format', 'repo', 'proxy', 'proxy-clients'];

test('every code block of the README is tagged, once, and run by a test', () => {
  for (const b of blocks) {
    if (b.lang === 'text') continue; // a folder tree, not code
    assert.ok(b.id, `README.md:${b.line}: a ${b.lang || 'plain'} block without an "<!-- example: id -->" line before it`);
  }
  const ids = blocks.filter((b) => b.id).map((b) => b.id);
  assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'duplicate ids');
  assert.deepEqual([...ids].sort(), [...IN_MATRIX, ...NODE, ...OTHER].sort(), 'every id is run by one of the tests');
  const others = fs.readdirSync(path.join(root, 'tests/js')).filter((f) => f.endsWith('.test.mjs') && f !== 'readme.test.mjs')
    .map((f) => fs.readFileSync(path.join(root, 'tests/js', f), 'utf8')).join('\n');
  for (const id of IN_MATRIX) assert.match(others, new RegExp(`readmeExample\\('${id}'\\)`), `a test file runs the README's "${id}"`);
});

// What a block takes as given, defined before it; public API addresses go to local servers.
const PRELUDE = `
import { createProvider as __createProvider } from 'contextwise';
const __servers = JSON.parse(process.env.README_SERVERS);
const __fetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  const to = { 'api.openai.com': __servers.openai, 'api.deepseek.com': __servers.openai, 'api.anthropic.com': __servers.anthropic, '127.0.0.1:11434': __servers.ollama }[url.host];
  if (!to) return __fetch(input, init);
  const local = new URL(to);
  // the servers answer at their documented paths (/v1/chat/completions, /v1/messages, /api/chat)
  const target = new URL(url.pathname + url.search, local.origin);
  return __fetch(typeof input === 'string' || input instanceof URL ? target : new Request(target, input), init);
};
`;
const GIVEN = {
  condense: `
const messages = [{ role: 'system', content: 'You are a helpful assistant.' }];
for (let i = 0; i < 300; i++) {
  messages.push({ role: 'user', content: 'Question ' + i + ': the build of service ' + i + ' fails with error E' + (1000 + i) + ' in src/module' + i + '.rs. ' + 'Here is the long log line that repeats. '.repeat(40) });
  messages.push({ role: 'assistant', content: 'Answer ' + i + ': we decided to pin the toolchain for service ' + i + '. ' + 'More explanation follows here. '.repeat(40) });
}
messages.push({ role: 'user', content: 'Which error did service 3 fail with?' });
const callMyLlm = async (system, prompt, maxTokens) => 'Services 0 to 59 failed to build; service 3 failed with error E1003; the toolchain was pinned.';
`,
  recall: `
import { condense } from 'contextwise';
const messages = [{ role: 'user', content: 'The deploy ID for the Larkspur rollout is DEP-77431.' }, { role: 'assistant', content: 'Noted.' }];
for (let i = 0; i < 300; i++) {
  messages.push({ role: 'user', content: 'Step ' + i + ': the handler reads rows and maps them to names. ' + 'It looks fine, the retry loop fires twice. '.repeat(30) });
  messages.push({ role: 'assistant', content: 'Reviewed step ' + i + '. ' + 'Nothing to change here. '.repeat(30) });
}
`,
  providers: `
const apiKey = 'sk-readme-0123456789';
const messages = [{ role: 'user', content: 'Say hi' }];
const rendered = [];
const render = (text) => rendered.push(text);
const controller = new AbortController();
`,
  routing: `
const messages = [{ role: 'user', content: 'Implement a function that parses ISO dates in TypeScript' }];
const deepseek = __createProvider({ kind: 'openai', baseUrl: 'https://api.deepseek.com/v1', apiKey: 'sk-deepseek-readme' });
const openai = __createProvider({ kind: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-openai-readme' });
const anthropic = __createProvider({ kind: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-readme' });
const ollama = __createProvider({ kind: 'ollama', baseUrl: 'http://127.0.0.1:11434' });
`,
};
// What each block must have produced, printed as JSON and checked below.
const REPORT = {
  quick: `console.log(JSON.stringify({ tokens, request, level, action, stored: (await session.messages()).length, kind: (await manager.storage()).kind }));`,
  node: `console.log(JSON.stringify({ loaded: (await import('contextwise')).loadedEncodings() }));`,
  condense: `console.log(JSON.stringify({ needed: plan.needed, before: metrics.tokensBefore, after: metrics.tokensAfter, strategy: metrics.strategyUsed, summary, n: context.length, facts: facts.length }));`,
  recall: `console.log(JSON.stringify({ name: tool.function.name, inContext: JSON.stringify(context).includes('DEP-77431'), first: passages[0] }));`,
  providers: `console.log(JSON.stringify({ text: message.content, usage, finishReason, streamed: rendered.join(''), streamedUsage }));`,
  routing: `console.log(JSON.stringify({ model: d.model, task: d.task, reason: d.reason, routed: decision.model ?? decision.attempts?.at(-1), stats: routingStats() }));`,
  instances: `const { models: defaults } = await import('contextwise');
console.log(JSON.stringify({ own: tenantA.models.get('a-model').contextWindow, leaked: (() => { try { defaults.get('a-model'); return true; } catch { return false; } })() }));`,
  sessions: `console.log(JSON.stringify({ recent: recent.map((m) => m.message.content), hits: hits.map((h) => h.text), all: (await manager.relevantMemory('which database do orders use?')).map((h) => h.text), facts: (await session.facts()).length }));`,
  turn: `console.log(JSON.stringify({ role: message.role, model, prompt: usage.promptTokens, cost: cost > 0, info: Object.keys(contextInfo).sort(), stored: (await session.messages()).length }));`,
  typescript: `console.log(JSON.stringify({ rateLimited: globalThis.__rateLimited === true }));`,
  'proxy-clients': `console.log(JSON.stringify({ info: reply.context_info, content: (await stream.finalMessage()).content }));`,
};

let servers;
test.before(async () => {
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  servers = { openai: await providerServer('openai'), anthropic: await providerServer('anthropic'), ollama: await providerServer('ollama') };
});
test.after(async () => {
  for (const s of Object.values(servers ?? {})) await s.close();
});

/** Runs a block as an ES module in Node (self-reference: `contextwise` is this package), returns its last output line as JSON. */
async function runBlock(id, code = blocks.find((b) => b.id === id).code) {
  const dir = path.join(scratch, id);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'example.mjs');
  fs.writeFileSync(file, `${PRELUDE}${GIVEN[id] ?? ''}\n${code}\n${REPORT[id]}\n`);
  const env = { ...process.env, OPENAI_API_KEY: 'sk-readme-typescript', README_SERVERS: JSON.stringify(Object.fromEntries(Object.entries(servers).map(([k, s]) => [k, s.base]))) };
  const { stdout } = await run(process.execPath, [file], { cwd: dir, env, encoding: 'utf8' }).catch((e) => {
    throw new Error(`README example "${id}" failed:\n${e.stderr || e.message}`);
  });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

const o200k = get_encoding('o200k_base');
test.after(() => o200k.free());
const tk = (s) => o200k.encode(s, [], []).length;

test('README: the example at the top', async () => {
  const r = await runBlock('quick');
  // OpenAI's documented framing for gpt-4o: 3 per message + role + content, 3 for the reply's priming
  const messages = [['system', 'You are a helpful assistant.'], ['user', 'Our orders service runs on Postgres 16. Draft the migration.']];
  const framed = messages.reduce((n, [role, content]) => n + 3 + tk(role) + tk(content), 3);
  assert.deepEqual(r, { tokens: tk('hello world'), request: framed, level: 'SAFE', action: 'none', stored: 1, kind: 'sqlite' });
});

test('README: Node', async () => {
  assert.deepEqual(await runBlock('node'), { loaded: ['o200k_base'] });
});

test('README: condensation', async () => {
  const r = await runBlock('condense');
  assert.equal(r.needed, true, '300 long turns are over 80 % of gpt-4o\'s window: the dry run says so');
  assert.equal(r.strategy, 'summary');
  assert.match(r.summary, /E1003/, 'the provider-written summary is in the result');
  assert.ok(r.before > 100_000 && r.after < r.before * 0.7, JSON.stringify(r));
  assert.ok(r.n > 8 && r.facts > 0);
});

test('README: recall', async () => {
  const r = await runBlock('recall');
  assert.equal(r.name, 'contextwise_recall');
  assert.equal(r.inContext, true, 'extractive kept the statement in the summary');
  assert.deepEqual(r.first.messageIds, [0, 1], 'and recall finds the original, with the reply to it');
  assert.match(r.first.text, /DEP-77431/);
});

test('README: providers', async () => {
  const before = servers.openai.requests.length;
  const r = await runBlock('providers');
  assert.equal(typeof r.text, 'string');
  assert.ok(r.text.length > 0 && r.streamed.length > 0, 'an answer and a streamed answer');
  assert.ok(r.usage.promptTokens > 0 && r.streamedUsage.promptTokens > 0);
  const sent = servers.openai.requests.slice(before);
  assert.equal(sent.length, 2);
  assert.equal(sent[0].headers.authorization, 'Bearer sk-readme-0123456789');
  assert.deepEqual(sent[0].body.messages, [{ role: 'user', content: 'Say hi' }]);
  assert.equal(sent[1].body.stream, true);
});

test('README: routing', async () => {
  const r = await runBlock('routing');
  assert.equal(r.task, 'code');
  assert.equal(r.model, 'deepseek-coder-v2:16b', 'the first matching rule');
  assert.match(r.reason, /deepseek-coder-v2:16b|rule/i);
  assert.ok(r.stats && typeof r.stats === 'object');
});

test('README: instances', async () => {
  assert.deepEqual(await runBlock('instances'), { own: 8192, leaked: false });
});

test('README: sessions and memory', async () => {
  const r = await runBlock('sessions');
  assert.deepEqual(r.recent, ['We will use Postgres 16 for the orders service', 'Noted.']);
  assert.equal(r.facts, 1);
  // excludeSession leaves out the only session there is
  assert.deepEqual(r.hits, []);
  assert.ok(r.all.includes('The orders service uses Postgres 16'), JSON.stringify(r.all));
});

test('README: the turn loop', async () => {
  const before = servers.openai.requests.length;
  const r = await runBlock('turn');
  assert.deepEqual(r, {
    role: 'assistant', model: 'gpt-4o', prompt: 1117, cost: true, stored: 2,
    info: ['attempts', 'condensationApplied', 'fallbacks', 'limit', 'memory', 'model', 'processingTimeMs', 'reason', 'recall', 'riskLevel', 'strategy', 'tokensAfter', 'tokensBefore', 'tokensSaved', 'utilization'],
  });
  const req = servers.openai.requests.slice(before).at(-1);
  assert.equal(req.body.model, 'gpt-4o');
  assert.equal(req.headers.authorization, 'Bearer sk-readme-typescript');
});

test('README: TypeScript (type-checked strictly, then run against a server that answers 429)', async () => {
  const code = blocks.find((b) => b.id === 'typescript').code;
  const dir = path.join(scratch, 'typescript');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'example.mts'), code + 'export {};\n');
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['ES2022'], types: ['node'], typeRoots: [path.join(root, 'node_modules/@types')] },
    files: ['example.mts'],
  }));
  await run(path.join(root, 'node_modules/.bin/tsc'), ['-p', dir], { encoding: 'utf8' }).catch((e) => assert.fail(`tsc: ${e.stdout}${e.stderr}`));
  const ts = (await import('typescript')).default;
  const js = ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
  servers.openai.script.push('429', '429', '429');
  const marked = js.replace("console.log('rate limited')", 'globalThis.__rateLimited = true');
  assert.notEqual(marked, js);
  assert.deepEqual(await runBlock('typescript', marked), { rateLimited: true });
});

test('README: the adapter interface is the package\'s StoreAdapter', async () => {
  const code = blocks.find((b) => b.id === 'adapter-interface').code;
  const dir = path.join(scratch, 'adapter');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'check.ts'), `import type { StoreAdapter as Shipped } from 'contextwise';
${code}
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same: Same<StoreAdapter, Shipped> = true;
export { same };
`);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'esnext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [] },
    files: ['check.ts'],
  }));
  await run(path.join(root, 'node_modules/.bin/tsc'), ['-p', dir], { encoding: 'utf8' }).catch((e) => assert.fail(`tsc: ${e.stdout}${e.stderr}`));
});

test('README: the export format imports, and exports back the same', async () => {
  const data = JSON.parse(blocks.find((b) => b.id === 'export-format').code);
  const manager = await cw.ContextManager.open({ appName: 'readme-export', store: 'memory' });
  try {
    await manager.import(data);
    const back = await manager.export();
    assert.equal(back.format, data.format);
    assert.equal(back.version, data.version);
    assert.deepEqual(back.sessions, data.sessions);
  } finally {
    await manager.close();
  }
});

test('README: the repository commands are the ones CI and package.json run', () => {
  const code = blocks.find((b) => b.id === 'repo').code;
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  for (const cmd of code.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean)) {
    const m = /^npm (?:run )?(\w+)$/.exec(cmd);
    assert.ok(m && pkg.scripts[m[1]], `"${cmd}" is a package.json script`);
  }
  assert.match(fs.readFileSync(path.join(root, '.ci/run'), 'utf8'), /^npm test$/m, 'CI runs npm test');
});

test('README: the proxy command, and the OpenAI and Anthropic SDKs in front of it', async (t) => {
  const { startProxy } = await import('./proxy-helpers.mjs');
  // the command: environment assignments, then `npx contextwise proxy` (the package's bin)
  const words = blocks.find((b) => b.id === 'proxy').code.replace(/\\\n/g, ' ').trim().split(/\s+/);
  const at = words.indexOf('npx');
  assert.deepEqual(words.slice(at), ['npx', 'contextwise', 'proxy']);
  assert.equal(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).bin.contextwise, './pkg/proxy/cli.mjs');
  const env = Object.fromEntries(words.slice(0, at).map((w) => w.split('=')));
  assert.equal(env.UPSTREAM_API_KEY, '$OPENAI_API_KEY');
  // run as written, with the public API address answered by the local OpenAI-format server
  assert.equal(env.UPSTREAM_BASE_URL, 'https://api.openai.com/v1');
  const proxy = await startProxy({ ...env, UPSTREAM_BASE_URL: servers.openai.base, UPSTREAM_API_KEY: 'sk-readme-proxy' });
  t.after(() => proxy.stop());
  // the clients, pointed at that proxy (the README's is on the default port, 4000)
  const code = blocks.find((b) => b.id === 'proxy-clients').code;
  assert.match(code, /127\.0\.0\.1:4000/);
  const out = await runBlock('proxy-clients', code.replaceAll('127.0.0.1:4000', `127.0.0.1:${proxy.port}`));
  assert.equal(out.info.risk_level, 'SAFE');
  assert.equal(out.info.condensation_applied, false);
  assert.equal(out.info.model, 'gpt-4o-mini');
  assert.equal(out.info.limit, Number(env.MAX_HISTORY_TOKENS));
  assert.deepEqual(out.content, [{ type: 'text', text: 'Hello, wörld 👋' }, { type: 'tool_use', id: 'call_abc', name: 'get_weather', input: { location: 'Paris' } }]);
});

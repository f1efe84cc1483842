// The packed package (npm pack) installed into scratch projects and used there: Node ESM, Node
// CommonJS, TypeScript in every module resolution mode, a plain ES module page with no bundler,
// and a Vite-built page in headless Chromium.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { root, get_encoding } from './helpers.mjs';
import { serve, launchChromium } from './static-server.mjs';
import { readmeExample } from './readme.mjs';

const scratch = path.join(root, 'tests/scratch');
const sample = 'Ünïcödé text, code `let x = 1;` and emoji 👍🏽 — counted the same everywhere. <|endoftext|>';
const expected = (() => { const e = get_encoding('o200k_base'); const n = e.encode(sample, [], []).length; e.free(); return n; })();
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let tarball;
function project(name, pkgJson, files) {
  const dir = path.join(scratch, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `scratch-${name}`, private: true, ...pkgJson }));
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
  sh('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', tarball], dir);
  return dir;
}

test.before(() => {
  fs.mkdirSync(scratch, { recursive: true });
  const out = sh('npm', ['pack', '--json', '--pack-destination', scratch], root);
  const [info] = JSON.parse(out);
  tarball = path.join(scratch, info.filename);
  const files = info.files.map((f) => f.path);
  for (const must of ['pkg/web/index.js', 'pkg/web/index.d.ts', 'pkg/web/contextwise_wasm_bg.wasm', 'pkg/node/index.js',
    'pkg/node/index.mjs', 'pkg/proxy/cli.mjs', 'pkg/ranks/cl100k_base.bin', 'pkg/ranks/o200k_base.bin', 'pkg/ranks/p50k_base.bin', 'pkg/ranks/r50k_base.bin']) {
    assert.ok(files.includes(must), `tarball lacks ${must}`);
  }
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('target/')), 'only pkg/ is published');
});

test('Node ESM project', () => {
  const dir = project('esm', { type: 'module' }, {
    'index.js': `import { loadEncoding, countTokens, assessRisk } from 'contextwise';
import * as counting from 'contextwise/count';
await loadEncoding('o200k_base');
const n = countTokens(${JSON.stringify(sample)}, { model: 'gpt-4o' });
const r = assessRisk([{ role: 'user', content: 'hi' }], { model: 'gpt-4o' });
console.log(JSON.stringify({ n, level: r.level, same: counting.countTokens(${JSON.stringify(sample)}, { model: 'gpt-4o' }) === n }));`,
  });
  assert.deepEqual(JSON.parse(sh('node', ['index.js'], dir)), { n: expected, level: 'SAFE', same: true });
});

test('the bin: `npx contextwise proxy --help` in a project that installed the package', () => {
  const dir = project('bin', {}, {});
  const help = sh('npx', ['--no-install', 'contextwise', 'proxy', '--help'], dir);
  assert.match(help, /^Usage: npx contextwise proxy/m);
  assert.match(help, /--max-history-tokens <value>\s+MAX_HISTORY_TOKENS/);
});

test('Node CommonJS project', () => {
  const dir = project('cjs', {}, {
    'index.js': `const { loadEncoding, countTokens, models } = require('contextwise');
loadEncoding('o200k_base').then(() => {
  console.log(JSON.stringify({ n: countTokens(${JSON.stringify(sample)}, { encoding: 'o200k_base' }), ctx: models.get('gpt-4o').contextWindow }));
});`,
  });
  assert.deepEqual(JSON.parse(sh('node', ['index.js'], dir)), { n: expected, ctx: 128000 });
});

const pageScript = `import { init, loadEncoding, countTokens } from 'contextwise';
try {
  await init();
  await loadEncoding('o200k_base');
  window.__result = { n: countTokens(${JSON.stringify(sample)}, { model: 'gpt-4o' }) };
} catch (e) { window.__result = { error: String(e && e.stack || e) }; }`;

/** Runs the page; returns its result and the paths of what it fetched. */
async function countInBrowser(url, fetched = []) {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('requestfinished', (r) => fetched.push(new URL(r.url()).pathname));
    await page.goto(url);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 30000 });
    const r = await page.evaluate(() => window.__result);
    assert.deepEqual(errors, []);
    return r;
  } finally {
    await browser.close();
  }
}

// What a user writes, type-checked in strict mode the way each kind of project resolves the package.
const TS_ESM = `import { countTokens, isContextwiseError, createProvider, ContextManager, type Session, type ContextwiseError } from 'contextwise';
import * as counting from 'contextwise/count';
export async function main(): Promise<number> {
  const p = createProvider({ kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1' });
  try { await p.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }); } catch (e) {
    if (isContextwiseError(e) && e.code === 'PROVIDER_HTTP' && e.status) console.log(e.status, e.retryable);
  }
  const m = await ContextManager.open({ appName: 'x', store: 'memory' });
  const s: Session = await m.session();
  const err: ContextwiseError | undefined = undefined;
  void [s.id, err];
  const risk: counting.RiskAssessment = counting.assessRisk([{ role: 'user', content: 'hi' }], { model: 'gpt-4o' });
  void risk.level;
  return countTokens('hello', { encoding: 'o200k_base' }) + counting.createInstance().countTokens('hello', { model: 'gpt-4o' });
}
`;
const TS_CJS = `import cw = require('contextwise');
import counting = require('contextwise/count');
export async function main(): Promise<number> {
  try { cw.countTokens('x', { model: 'nope' }); } catch (e) {
    if (cw.isContextwiseError(e) && e.code === 'PROVIDER_HTTP' && e.status) console.log(e.status);
  }
  const m: cw.ContextManager = await cw.ContextManager.open({ appName: 'x', store: { kind: 'sqlite', path: 'x.sqlite' } });
  void m;
  return cw.countTokens('hello', { encoding: 'o200k_base' }) + counting.countTokens('hello', { model: 'gpt-4o' });
}
`;

test('TypeScript (strict) finds the right types in every module resolution mode, with and without the DOM lib', () => {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  const modes = [
    ['bundler, DOM', { module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [] }, 'esm'],
    ['bundler, no DOM', { module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2022'], types: ['node'] }, 'esm'],
    ['node16 ESM, no DOM', { module: 'node16', moduleResolution: 'node16', lib: ['ES2022'], types: ['node'] }, 'esm'],
    ['node16 CommonJS, no DOM', { module: 'node16', moduleResolution: 'node16', lib: ['ES2022'], types: ['node'] }, 'cjs'],
    ['nodenext ESM, DOM', { module: 'nodenext', moduleResolution: 'nodenext', lib: ['ES2022', 'DOM'], types: ['node'] }, 'esm'],
    ['nodenext CommonJS, DOM', { module: 'nodenext', moduleResolution: 'nodenext', lib: ['ES2022', 'DOM'], types: ['node'] }, 'cjs'],
    ['node10 CommonJS, no DOM', { module: 'commonjs', moduleResolution: 'node10', lib: ['ES2022'], types: ['node'] }, 'cjs'],
  ];
  const dir = project('types', { type: 'module' }, { 'code.ts': TS_ESM, 'code.cts': TS_CJS });
  const failures = [];
  for (const [name, options, kind] of modes) {
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', skipLibCheck: false, typeRoots: [path.join(root, 'node_modules/@types')], ...options },
      files: [kind === 'esm' ? 'code.ts' : 'code.cts'],
    }));
    try { sh('node', [tsc, '-p', 'tsconfig.json'], dir); } catch (e) { failures.push(`${name}:\n${e.stdout}`); }
  }
  assert.deepEqual(failures, []);
});

test('plain ES module page, no bundler, in headless Chromium', async () => {
  const dir = project('plain', {}, {
    'index.html': `<!doctype html><script type="importmap">{"imports":{"contextwise":"./node_modules/contextwise/pkg/web/index.js"}}</script>
<script type="module" src="./main.js"></script>`,
    'main.js': pageScript,
  });
  const server = await serve(dir);
  try {
    assert.deepEqual(await countInBrowser(`${server.url}/index.html`), { n: expected });
  } finally { await server.close(); }
});

test('Vite-built page in headless Chromium', async () => {
  const dir = project('vite', { type: 'module' }, {
    'index.html': '<!doctype html><html><body><script type="module" src="./main.js"></script></body></html>',
    'main.js': pageScript,
    'vite.config.js': "export default { build: { target: 'es2022', outDir: 'dist', emptyOutDir: true }, logLevel: 'warn' };",
  });
  sh(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build'], dir);
  const assets = fs.readdirSync(path.join(dir, 'dist/assets'));
  assert.ok(assets.some((f) => f.endsWith('.wasm')), `wasm emitted: ${assets}`);
  assert.ok(assets.some((f) => f.startsWith('o200k_base') && f.endsWith('.bin')), `rank files emitted: ${assets}`);
  const server = await serve(path.join(dir, 'dist'));
  try {
    assert.deepEqual(await countInBrowser(`${server.url}/index.html`), { n: expected });
  } finally { await server.close(); }
});

test('contextwise/count: a Vite-built page that only counts downloads under 1 MB compressed, with the same counts', async (t) => {
  // the README's example, as written, at Vite's default build target
  const dir = project('vite-count', { type: 'module' }, {
    'index.html': '<!doctype html><html><body><p id="tokens"></p><script type="module" src="./main.js"></script>' +
      '<script>const poll = setInterval(() => { const t = document.querySelector("#tokens").textContent; ' +
      'if (t) { window.__result = { n: Number(t) }; clearInterval(poll); } }, 20);</script></body></html>',
    'main.js': readmeExample('count'),
    'vite.config.js': "export default { build: { outDir: 'dist', emptyOutDir: true }, logLevel: 'warn' };",
  });
  sh(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build'], dir);
  const server = await serve(path.join(dir, 'dist'));
  const fetched = [];
  const e = get_encoding('o200k_base');
  const helloWorld = e.encode('hello world').length;
  e.free();
  try {
    assert.deepEqual(await countInBrowser(`${server.url}/index.html`, fetched), { n: helloWorld });
  } finally { await server.close(); }
  const files = fetched.map((p) => path.join(dir, 'dist', p === '/' ? 'index.html' : p));
  const wasm = files.filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `one wasm fetched: ${fetched}`);
  assert.equal(fs.statSync(wasm[0]).size, fs.statSync(path.join(root, 'pkg/web/contextwise_count_bg.wasm')).size, 'the counting wasm, not the full one');
  assert.ok(files.some((f) => path.basename(f).startsWith('o200k_base')), `ranks fetched: ${fetched}`);
  // every byte the page fetched (HTML, JS, wasm, ranks), each compressed as a server would
  const gzip = files.reduce((n, f) => n + zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length, 0);
  const brotli = files.reduce((n, f) => n + zlib.brotliCompressSync(fs.readFileSync(f)).length, 0);
  t.diagnostic(`fetched ${fetched.join(' ')}: ${gzip} bytes gzip -9, ${brotli} brotli`);
  assert.ok(gzip <= 1_000_000, `gzip total ${gzip} bytes`);
  assert.ok(brotli <= 1_000_000, `brotli total ${brotli} bytes`);
});

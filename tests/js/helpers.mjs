// Shared by the tests of the BUILT package: load it the way a user would.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const require = createRequire(import.meta.url);
/** The checkout whose built pkg/ is tested (CW_ROOT: another build, e.g. one from before a fix). */
export const pkgRoot = process.env.CW_ROOT ? path.resolve(process.env.CW_ROOT) : root;
export const cw = await import(path.join(pkgRoot, 'pkg/node/index.mjs'));
export const { get_encoding } = require('tiktoken');

export function corpus() {
  const dir = path.join(root, 'tests/fixtures/corpus');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()
    .map((f) => ({ name: f, text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

/** Expects `fn` to throw a ContextwiseError with `code` (and a message matching `re`). */
export function throwsCode(assert, fn, code, re) {
  let err;
  try { fn(); } catch (e) { err = e; }
  assert.ok(err, `expected ${code}, nothing was thrown`);
  assert.ok(err instanceof Error, 'a real Error');
  assert.equal(err.name, 'ContextwiseError');
  assert.equal(err.code, code, err.message);
  if (re) assert.match(err.message, re);
  return err;
}

// One export list for the web and Node entries, and a declaration in the .d.ts for every export
// (the strict type test in tests/types calls them).
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pkgRoot, require } from './helpers.mjs';

const ts = require('typescript');

function declared(dts) {
  const program = ts.createProgram([dts], { strict: true, skipLibCheck: true, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [] });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(dts);
  return new Set(checker.getExportsOfModule(checker.getSymbolAtLocation(file)).map((s) => s.getName()));
}

test('the web and Node entries export the same names, each declared in its .d.ts', async () => {
  const node = Object.keys(require(path.join(pkgRoot, 'pkg/node/index.js'))).filter((n) => n !== '__esModule').sort();
  const web = Object.keys(await import(path.join(pkgRoot, 'pkg/web/index.js'))).sort();
  assert.deepEqual(web, node);
  for (const entry of ['web', 'node']) {
    const names = declared(path.join(pkgRoot, `pkg/${entry}/index.d.ts`));
    const missing = node.filter((n) => !names.has(n));
    assert.deepEqual(missing, [], `${entry}/index.d.ts lacks declarations for ${missing.join(', ')}`);
  }
  // the ESM wrapper for Node re-exports every name
  const esm = Object.keys(await import(path.join(pkgRoot, 'pkg/node/index.mjs'))).filter((n) => n !== 'default').sort();
  assert.deepEqual(esm, node);
});

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

test('what each call returns has exactly the properties its declared return type names', async () => {
  const cw = require(path.join(pkgRoot, 'pkg/node/index.js'));
  const dts = path.join(pkgRoot, 'pkg/node/index.d.ts');
  const program = ts.createProgram([dts], { strict: true, skipLibCheck: true, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [] });
  const checker = program.getTypeChecker();
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(dts)));
  const byName = new Map(exports.map((s) => [s.getName(), s]));
  /** Property names (required and optional) of the declared return type of `name` (or of `models.<member>`). */
  const declaredKeys = (name, member) => {
    let sym = byName.get(name);
    let type = checker.getTypeOfSymbolAtLocation(sym, sym.valueDeclaration ?? sym.declarations[0]);
    if (member) type = checker.getTypeOfSymbolAtLocation(type.getProperty(member), sym.valueDeclaration ?? sym.declarations[0]);
    let ret = checker.getSignaturesOfType(type, ts.SignatureKind.Call)[0].getReturnType();
    if (ret.getSymbol()?.getName() === 'Promise') ret = checker.getTypeArguments(ret)[0];
    return { all: ret.getProperties().map((p) => p.getName()).sort(), required: ret.getProperties().filter((p) => !(p.flags & ts.SymbolFlags.Optional)).map((p) => p.getName()) };
  };
  const msgs = Array.from({ length: 40 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `Message ${i} about the deployment and the limits. `.repeat(30) }));
  const calls = {
    countMessages: () => cw.countMessages(msgs, { model: 'gpt-4o' }),
    assessRisk: () => cw.assessRisk(msgs, { model: 'gpt-4o' }),
    planCondensation: () => cw.planCondensation(msgs, { model: 'gpt-4o', target: 2000 }),
    condense: () => cw.condense(msgs, { model: 'gpt-4o', target: 2000 }),
    route: () => cw.route(msgs, { models: { primary: 'gpt-4o' } }),
    routingStats: () => cw.routingStats(),
    usageStats: () => cw.usageStats(),
    countCacheStats: () => cw.countCacheStats(),
    summaryCacheStats: () => cw.summaryCacheStats(),
    configureLimits: () => cw.configureLimits(),
  };
  for (const [name, call] of Object.entries(calls)) {
    const value = await call();
    const { all, required } = declaredKeys(name);
    const actual = Object.keys(value).sort();
    assert.deepEqual(actual.filter((k) => !all.includes(k)), [], `${name} returns properties its type does not declare`);
    assert.deepEqual(required.filter((k) => !actual.includes(k)), [], `${name}'s type declares properties it does not return`);
  }
  const info = cw.models.get('gpt-4o');
  const { all } = declaredKeys('models', 'get');
  assert.deepEqual(Object.keys(info).filter((k) => !all.includes(k)), [], 'models.get returns undeclared properties');
});

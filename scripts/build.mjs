// `npm run build`: Rust → wasm → wasm-bindgen (web + nodejs) → wasm-opt → TS entry points → pkg/.
// Tools it needs (the wasm32 target, wasm-bindgen-cli at the pinned version) are installed by
// scripts/setup.sh, which this runs first.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const pkg = path.join(root, 'pkg');
const run = (cmd, args, opts = {}) => {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
};

run('bash', ['scripts/setup.sh']);

// 1. wasm
run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--lib']);
// cargo's target folder (CARGO_TARGET_DIR when set, as cargo itself reads it)
const cargoTarget = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(root, 'target');
const wasmIn = path.join(cargoTarget, 'wasm32-unknown-unknown/release/contextwise.wasm');

fs.rmSync(pkg, { recursive: true, force: true });
for (const [target, dir] of [['web', 'web'], ['nodejs', 'node']]) {
  run('wasm-bindgen', ['--target', target, '--out-dir', path.join(pkg, dir), '--out-name', 'contextwise_wasm', wasmIn]);
}
// Both targets get the same wasm binary (only the JS glue differs): optimize it once and ship it
// once, in pkg/web (the Node glue reads it from there).
const bg = (dir) => path.join(pkg, dir, 'contextwise_wasm_bg.wasm');
if (!fs.readFileSync(bg('web')).equals(fs.readFileSync(bg('node')))) {
  throw new Error('wasm-bindgen wrote different wasm for web and nodejs; the Node glue reads the web one (scripts/glue-factory.mjs)');
}
// binaryen from npm: Debian's older wasm-opt breaks the externref table of reference-types builds.
const WASM_OPT = ['-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
  '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
  '--strip-debug', '--strip-producers'];
run(path.join(root, 'node_modules/binaryen/bin/wasm-opt'), [...WASM_OPT, bg('web'), '-o', bg('web')]);
fs.rmSync(bg('node'));
fs.rmSync(`${bg('node')}.d.ts`);

// The counting wasm (`contextwise/count`): the same crate without the `full` feature — counting,
// models and risk only — for pages that only count (a fraction of the download).
run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--lib', '--no-default-features']);
run('wasm-bindgen', ['--target', 'web', '--out-dir', path.join(pkg, 'web'), '--out-name', 'contextwise_count', wasmIn]);
const countBg = path.join(pkg, 'web', 'contextwise_count_bg.wasm');
run(path.join(root, 'node_modules/binaryen/bin/wasm-opt'), [...WASM_OPT, countBg, '-o', countBg]);
fs.rmSync(`${countBg}.d.ts`);

// Glue as a factory of instances, so a trapped instance can be replaced (scripts/glue-factory.mjs).
const { nodeGlue, webGlue } = await import('./glue-factory.mjs');
nodeGlue(path.join(pkg, 'node/contextwise_wasm.js'));
webGlue(path.join(pkg, 'web/contextwise_wasm.js'));
webGlue(path.join(pkg, 'web/contextwise_count.js'));

// wasm-bindgen declares `[Symbol.dispose]` on exported classes: say which lib that needs, so
// projects type-check without `skipLibCheck` (TypeScript ≥ 5.2).
for (const [dir, name] of [['web', 'contextwise_wasm'], ['node', 'contextwise_wasm'], ['web', 'contextwise_count']]) {
  const dts = path.join(pkg, dir, `${name}.d.ts`);
  const text = fs.readFileSync(dts, 'utf8');
  // the web glue's init() names DOM types (RequestInfo, BufferSource, WebAssembly): a project
  // without the DOM lib (a server bundled for the edge) still type-checks
  const libs = (dir === 'web' ? '/// <reference lib="dom" />\n' : '') + (text.includes('Symbol.dispose') ? '/// <reference lib="esnext.disposable" />\n' : '');
  const factory = '\n/** A fresh, independent instance of this module (scripts/glue-factory.mjs). */\n' +
    "export function __contextwise_instance(): typeof import('./contextwise_wasm.js');\n" +
    `/** The compiled wasm module of this instance. */\nexport function __contextwise_module(): ${dir === 'web' ? 'WebAssembly.Module' : 'unknown'};\n` +
    (dir === 'node' ? '/** Where the wasm and rank files were found. */\nexport const __contextwise_files: { wasm: string; ranks: Record<EncodingName, string> };\n' : '');
  fs.writeFileSync(dts, libs + text + factory);
}

// 2. rank files
run('cargo', ['run', '--release', '--quiet', '--example', 'make_ranks', '--', path.join(pkg, 'ranks')]);

// 3. TypeScript entry points, compiled next to each wasm-bindgen glue
const tsc = path.join(root, 'node_modules/.bin/tsc');
for (const [dir, entry, module] of [['web', 'web.ts', 'ES2020'], ['node', 'node.ts', 'CommonJS']]) {
  const stage = path.join(root, 'target/ts', dir);
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  // web: also the Workers entry (workerd.ts), which imports the wasm and rank files as modules
  const shared = ['common.ts', 'input.ts', 'adapter.ts', 'idb.ts', 'manager.ts',
    ...(dir === 'node' ? ['node-stores.ts'] : ['web-runtime.ts', 'web-assets.ts', 'workerd.ts', 'edge.ts', 'count.ts', 'modules.d.ts'])];
  for (const f of [...shared, entry]) fs.copyFileSync(path.join(root, 'src/ts', f), path.join(stage, f === entry ? 'index.ts' : f));
  for (const glue of dir === 'web' ? ['contextwise_wasm', 'contextwise_count'] : ['contextwise_wasm']) {
    fs.copyFileSync(path.join(pkg, dir, `${glue}.d.ts`), path.join(stage, `${glue}.d.ts`));
  }
  fs.writeFileSync(path.join(stage, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, declaration: true, target: 'ES2020', module, moduleResolution: module === 'CommonJS' ? 'node10' : 'bundler',
      lib: ['ES2022', 'DOM'], types: dir === 'node' ? ['node'] : [], typeRoots: [path.join(root, 'node_modules/@types')],
      skipLibCheck: true, outDir: path.join(pkg, dir),
    },
    files: ['index.ts', ...shared],
  }, null, 2));
  run(tsc, ['-p', stage]);
}
fs.writeFileSync(path.join(pkg, 'web/package.json'), JSON.stringify({ type: 'module', sideEffects: false }, null, 2) + '\n');
fs.writeFileSync(path.join(pkg, 'node/package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');

// 4. ESM wrapper for Node: re-export the CommonJS entry's names.
const { createRequire } = await import('node:module');
const names = Object.keys(createRequire(import.meta.url)(path.join(pkg, 'node/index.js'))).filter((n) => n !== '__esModule');
fs.writeFileSync(path.join(pkg, 'node/index.mjs'),
  `// ESM entry for Node: the CommonJS build, re-exported.\nimport cjs from './index.js';\nexport const { ${names.join(', ')} } = cjs;\n`);

run(process.execPath, ['scripts/build-integrations.mjs']);   // 5. contextwise/ai-sdk, contextwise/langchain → pkg/integrations
run(process.execPath, ['scripts/build-proxy.mjs']);          // 6. the proxy CLI (npx contextwise proxy) → pkg/proxy

for (const f of ['web/contextwise_wasm_bg.wasm', 'web/contextwise_count_bg.wasm', 'ranks/cl100k_base.bin', 'ranks/o200k_base.bin']) {
  console.log(`${f}: ${fs.statSync(path.join(pkg, f)).size} bytes`);
}

// The integrations (src/ts/integrations: Vercel AI SDK, LangChain.js) → pkg/integrations/, as ESM
// (.mjs + .d.mts) and CommonJS (.cjs + .d.cts), for the `contextwise/ai-sdk` and
// `contextwise/langchain` exports. They import contextwise by the package's own name, so they
// share the app's wasm instance; `ai` and `@langchain/core` are peer dependencies. Needs pkg/node
// (their types) — run after the main build.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const src = path.join(root, 'src/ts/integrations');
const stage = path.join(root, 'target/ts/integrations');
const out = path.join(root, 'pkg/integrations');

fs.rmSync(stage, { recursive: true, force: true });
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(stage, { recursive: true });

// Each source twice: .mts (ESM) and .cts (CommonJS), relative imports pointing at the same format.
const files = [];
for (const f of fs.readdirSync(src).filter((f) => f.endsWith('.ts')).sort()) {
  const text = fs.readFileSync(path.join(src, f), 'utf8');
  for (const [ext, js] of [['.mts', '.mjs'], ['.cts', '.cjs']]) {
    const name = f.replace(/\.ts$/, ext);
    let out = text.replace(/(from '\.\/[\w-]+)\.js'/g, `$1${js}'`);
    // `ai` is ESM only: a CommonJS declaration file may import its types only as an import
    // (TypeScript ≥ 5.3; otherwise node16/nodenext CommonJS projects get TS1541)
    if (ext === '.cts') out = out.replace(/^(import type \{[^}]*\} from 'ai');$/m, "$1 with { 'resolution-mode': 'import' };");
    fs.writeFileSync(path.join(stage, name), out);
    files.push(name);
  }
}
fs.writeFileSync(path.join(stage, 'tsconfig.json'), JSON.stringify({
  compilerOptions: {
    strict: true, declaration: true, target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'], types: [], skipLibCheck: true, outDir: out, rootDir: stage,
  },
  files,
}, null, 2));
const tsc = path.join(root, 'node_modules/.bin/tsc');
console.log(`$ tsc -p ${path.relative(root, stage)}`);
execFileSync(tsc, ['-p', stage], { stdio: 'inherit', cwd: root });
for (const f of fs.readdirSync(out).sort()) console.log(`pkg/integrations/${f}: ${fs.statSync(path.join(out, f)).size} bytes`);

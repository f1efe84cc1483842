// The proxy CLI (src/ts/proxy: `npx contextwise proxy`) → pkg/proxy/*.mjs, ESM for Node, the bin
// of package.json (pkg/proxy/cli.mjs, executable). It imports contextwise by the package's own
// name, like the integrations. Needs pkg/node (its types) — run after the main build.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const src = path.join(root, 'src/ts/proxy');
const stage = path.join(root, 'target/ts/proxy');
const out = path.join(root, 'pkg/proxy');

fs.rmSync(stage, { recursive: true, force: true });
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(stage, { recursive: true });

const files = [];
for (const f of fs.readdirSync(src).filter((f) => f.endsWith('.ts')).sort()) {
  const name = f.replace(/\.ts$/, '.mts');
  fs.writeFileSync(path.join(stage, name), fs.readFileSync(path.join(src, f), 'utf8').replace(/(from '\.\/[\w-]+)\.js'/g, "$1.mjs'"));
  files.push(name);
}
fs.writeFileSync(path.join(stage, 'tsconfig.json'), JSON.stringify({
  compilerOptions: {
    strict: true, target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext',
    lib: ['ES2022', 'DOM'], types: ['node'], typeRoots: [path.join(root, 'node_modules/@types')],
    skipLibCheck: true, outDir: out, rootDir: stage,
  },
  files,
}, null, 2));
const tsc = path.join(root, 'node_modules/.bin/tsc');
console.log(`$ tsc -p ${path.relative(root, stage)}`);
execFileSync(tsc, ['-p', stage], { stdio: 'inherit', cwd: root });
fs.chmodSync(path.join(out, 'cli.mjs'), 0o755);
for (const f of fs.readdirSync(out).sort()) console.log(`pkg/proxy/${f}: ${fs.statSync(path.join(out, f)).size} bytes`);

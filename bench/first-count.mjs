// Child process of the benchmark: import + load + first count of one library, from a cold start.
// Prints { ms: time since process start, mb: RSS added by loading }.
import { LIBS } from './libs.mjs';
const [lib, enc] = process.argv.slice(2);
const rss0 = process.memoryUsage().rss;
const t0 = performance.now();
if (lib === 'baseline') {
  console.log(JSON.stringify({ ms: t0, mb: 0 }));
} else {
  const count = await LIBS[lib](enc);
  count('Hello, world! This is the first count.');
  const ms = performance.now();
  globalThis.gc?.();
  console.log(JSON.stringify({ ms, mb: (process.memoryUsage().rss - rss0) / 1048576 }));
}

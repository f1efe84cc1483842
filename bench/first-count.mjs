// Child process of the benchmark: import + load + first count of one library, from a cold start.
// Prints { ms: time from before the import to after the first count, mb: RSS added by loading }.
import { LIBS } from './libs.mjs';
const [lib, enc] = process.argv.slice(2);
const rss0 = process.memoryUsage().rss;
const t0 = performance.now();
const count = await LIBS[lib](enc);
count('Hello, world! This is the first count.');
const ms = performance.now() - t0;
globalThis.gc?.();
console.log(JSON.stringify({ ms, mb: (process.memoryUsage().rss - rss0) / 1048576 }));

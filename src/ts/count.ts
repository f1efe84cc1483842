// `contextwise/count` in browsers: counting, the model registry and risk only, with a wasm built
// without the rest (condensation, providers, routing, sessions), so a page that only counts
// downloads a fraction of the full package: about 140 KB of wasm (gzip) plus the encoding's ranks.
// The API is the same as the main entry's for what it has, and the counts are the same.
import * as countGlue from './contextwise_count.js';
import type * as glue from './contextwise_wasm.js';
import { fetchBytes, webRuntime } from './web-runtime.js';
import { RANK_URLS, packageUrl } from './web-assets.js';
export { isContextwiseError } from './common.js';
export type * from './common.js';

const { init, api } = webRuntime({
  // The counting wasm's glue has a subset of the full glue's exports; only that subset is
  // reachable from what this entry exports.
  glue: countGlue as unknown as typeof glue,
  defaultWasm: () => packageUrl(new URL('./contextwise_count_bg.wasm', import.meta.url)),
  ownRanks: (name) => fetchBytes(packageUrl(RANK_URLS[name]())),
});
export { init };

/** What an instance of `contextwise/count` has: counting, models and risk. */
function counting(i: ReturnType<typeof api.createInstance>) {
  const { models, countTokens, encode, decode, isWithinTokenLimit, countMessages, assessRisk, calibrate, countCacheStats, configureCountCache } = i;
  return { models, countTokens, encode, decode, isWithinTokenLimit, countMessages, assessRisk, calibrate, countCacheStats, configureCountCache };
}

export const { models, countTokens, encode, decode, isWithinTokenLimit, countMessages, assessRisk, calibrate, countCacheStats, configureCountCache } = counting(api);
export const { loadEncoding, loadEncodingBytes, loadedEncodings, configureLimits } = api;
/**
 * A new instance (its own registry additions, calibration and count cache; the loaded encodings
 * are shared) with the counting API.
 */
export const createInstance = () => counting(api.createInstance());

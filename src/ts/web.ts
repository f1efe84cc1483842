// Browser entry point (plain ES module, Vite, webpack): `await init()` once, then use the API.
import type { EncodingName } from './contextwise_wasm.js';
import { fetchBytes, webRuntime } from './web-runtime.js';
export { isContextwiseError } from './common.js';
/** Test-only: the next IndexedDB batch aborts its transaction after issuing `abortAfterOps` writes. */
export { injectFault as __injectStoreFaultForTesting } from './idb.js';
export type * from './common.js';

// Literal URLs so bundlers see and emit every rank file; each is fetched only when loaded.
const RANK_URLS: Record<EncodingName, () => URL> = {
  cl100k_base: () => new URL('../ranks/cl100k_base.bin', import.meta.url),
  o200k_base: () => new URL('../ranks/o200k_base.bin', import.meta.url),
  p50k_base: () => new URL('../ranks/p50k_base.bin', import.meta.url),
  r50k_base: () => new URL('../ranks/r50k_base.bin', import.meta.url),
};

const { init, api } = webRuntime({
  ownRanks: (name) => fetchBytes(RANK_URLS[name]()),
  // browsers: Anthropic's API needs its browser-access header
  providerDefaults: (cfg) => (cfg.kind === 'anthropic' && cfg.browser === undefined ? { ...cfg, browser: true } : cfg),
});
export { init };

export const {
  loadEncoding, loadEncodingBytes, loadedEncodings, models, countTokens, encode, decode, isWithinTokenLimit,
  countMessages, assessRisk, calibrate, countCacheStats, configureCountCache, summaryCacheStats, configureSummaryCache, configureLimits, planCondensation,
  condense, createProvider, usageStats, route, routingStats, routedChat, createInstance, __forceTrapForTesting,
  ContextManager, __storeContractForTesting,
} = api;
/** A context manager: what `ContextManager.open` resolves to. */
export type ContextManager = InstanceType<typeof ContextManager>;
/** A session: what `manager.session()` resolves to. */
export type Session = Awaited<ReturnType<ContextManager['session']>>;

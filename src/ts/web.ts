// Browser entry point (plain ES module, Vite, webpack): `await init()` once, then use the API.
import * as glue from './contextwise_wasm.js';
import { fetchBytes, webRuntime } from './web-runtime.js';
import { RANK_URLS, packageUrl } from './web-assets.js';
export { isContextwiseError } from './common.js';
/** Test-only: the next IndexedDB batch aborts its transaction after issuing `abortAfterOps` writes. */
export { injectFault as __injectStoreFaultForTesting } from './idb.js';
export type * from './common.js';

const { init, api } = webRuntime({
  glue,
  defaultWasm: () => packageUrl(new URL('./contextwise_wasm_bg.wasm', import.meta.url)),
  ownRanks: (name) => fetchBytes(packageUrl(RANK_URLS[name]())),
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

// Edge runtimes (the `edge-light` export condition: Next.js edge routes and middleware, Vercel Edge
// Functions). They cannot compile wasm from bytes or fetch it, so the wasm is imported as a compiled
// WebAssembly.Module (the `?module` import these bundlers define); rank files are fetched from the
// URLs the bundler emits for them.
import wasm from './contextwise_wasm_bg.wasm?module';
import * as glue from './contextwise_wasm.js';
import { fetchBytes, webRuntime } from './web-runtime.js';
import { RANK_URLS } from './web-assets.js';
export { isContextwiseError } from './common.js';
/** Test-only: the next IndexedDB batch aborts its transaction after issuing `abortAfterOps` writes. */
export { injectFault as __injectStoreFaultForTesting } from './idb.js';
export type * from './common.js';

const { init, api } = webRuntime({
  glue,
  defaultWasm: () => wasm,
  ownRanks: (name) => fetchBytes(RANK_URLS[name]()),
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

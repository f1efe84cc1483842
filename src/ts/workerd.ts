// Cloudflare Workers entry (the `workerd` export condition): the wasm and the rank files are
// imported as modules — wrangler's default rules make a `.wasm` import a WebAssembly.Module and a
// `.bin` import an ArrayBuffer — so `init()` and `loadEncoding()` need no URL, no fetch and no
// wrangler configuration. Every rank file is bundled into the worker
// (all four are part of the upload; each is read only when it is loaded).
import wasm from './contextwise_wasm_bg.wasm';
import type { EncodingName } from './contextwise_wasm.js';
import * as glue from './contextwise_wasm.js';
import { webRuntime } from './web-runtime.js';
export { isContextwiseError } from './common.js';
/** Test-only: the next IndexedDB batch aborts its transaction after issuing `abortAfterOps` writes. */
export { injectFault as __injectStoreFaultForTesting } from './idb.js';
export type * from './common.js';

const RANKS: Record<EncodingName, () => Promise<{ default: ArrayBuffer }>> = {
  cl100k_base: () => import('../ranks/cl100k_base.bin'),
  o200k_base: () => import('../ranks/o200k_base.bin'),
  p50k_base: () => import('../ranks/p50k_base.bin'),
  r50k_base: () => import('../ranks/r50k_base.bin'),
};

const { init, api } = webRuntime({
  glue,
  defaultWasm: () => wasm,
  ownRanks: async (name) => new Uint8Array((await RANKS[name]()).default),
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

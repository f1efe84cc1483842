// Browser entry point (plain ES module, Vite, webpack): `await init()` once, then use the API.
import * as glue from './contextwise_wasm.js';
import { bind, contextwiseError } from './common.js';
import type { EncodingName } from './contextwise_wasm.js';
export { isContextwiseError } from './common.js';
/** Test-only: the next IndexedDB batch aborts its transaction after issuing `abortAfterOps` writes. */
export { injectFault as __injectStoreFaultForTesting } from './idb.js';
export type * from './common.js';

// Literal URLs so bundlers see and emit every rank file; each is fetched only when loaded.
const RANK_URLS: Record<EncodingName, () => URL> = {
  cl100k_base: () => new URL('../ranks/cl100k_base.cwr', import.meta.url),
  o200k_base: () => new URL('../ranks/o200k_base.cwr', import.meta.url),
  p50k_base: () => new URL('../ranks/p50k_base.cwr', import.meta.url),
  r50k_base: () => new URL('../ranks/r50k_base.cwr', import.meta.url),
};

let ready = false;
let initializing: Promise<void> | undefined;
/** The current wasm instance (replaced after a trap); instantiated by `init()`. */
let current: typeof glue = glue.__contextwise_instance();

/**
 * Instantiates the wasm module (once; later calls return the same promise). Pass the wasm's URL,
 * bytes or a compiled module when it is not next to this file.
 * @example import { init, loadEncoding, countTokens } from 'contextwise';
 * await init(); await loadEncoding('o200k_base');
 */
export function init(input?: glue.InitInput | Promise<glue.InitInput>): Promise<void> {
  initializing ??= current.default(input === undefined ? undefined : { module_or_path: input }).then(() => {
    ready = true;
  }, (e) => {
    initializing = undefined;
    throw e;
  });
  return initializing;
}

async function fetchBytes(url: URL | string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
  return new Uint8Array(await res.arrayBuffer());
}

const api = bind({
  ready: () => init(),
  wasm() {
    if (!ready) throw contextwiseError('NOT_INITIALIZED', 'contextwise is not initialized yet; call `await init()` once before other calls');
    return current;
  },
  replace() {
    // a fresh instance of the module that is already compiled (no fetch, synchronous)
    const fresh = glue.__contextwise_instance();
    fresh.initSync({ module: current.__contextwise_module() });
    current = fresh;
  },
  readRanks: (name: EncodingName, location?: URL | string) => fetchBytes(location ?? RANK_URLS[name]()),
  providerDefaults: (cfg) => (cfg.kind === 'anthropic' && cfg.browser === undefined ? { ...cfg, browser: true } : cfg),
});

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

// Node entry point (CommonJS; index.mjs re-exports it for ESM). The wasm is instantiated when
// this module loads, so `init()` resolves at once.
import * as glue from './contextwise_wasm.js';
import { bind } from './common.js';
import type { EncodingName } from './contextwise_wasm.js';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqlite, openPostgres, StoreUnavailable } from './node-stores.js';
export { isContextwiseError } from './common.js';
/** Test-only: the next IndexedDB batch aborts its transaction after issuing `abortAfterOps` writes. */
export { injectFault as __injectStoreFaultForTesting } from './idb.js';
export type * from './common.js';

/** Resolves at once in Node (the wasm is ready when the module loads). */
export function init(_input?: unknown): Promise<void> {
  return Promise.resolve();
}

async function read(source: URL | string): Promise<Uint8Array> {
  const s = source instanceof URL ? source.href : source;
  if (/^https?:/.test(s)) {
    const res = await fetch(s);
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${s}`);
    return new Uint8Array(await res.arrayBuffer());
  }
  return new Uint8Array(await readFile(s.startsWith('file:') ? fileURLToPath(s) : s));
}

const ownRanks = (name: EncodingName) => glue.__contextwise_files.ranks[name];
/** Node loads encodings by itself on first use, from the package's own files. */
function withLoader(instance: typeof glue): typeof glue {
  instance.setRankLoader((name: string) => {
    try {
      return new Uint8Array(readFileSync(ownRanks(name as EncodingName)));
    } catch {
      return undefined;
    }
  });
  return instance;
}
let current: typeof glue = withLoader(glue.__contextwise_instance());

const api = bind({
  wasm: () => current,
  replace() {
    current = withLoader(glue.__contextwise_instance());
  },
  readRanks: (name: EncodingName, location?: URL | string) => read(location ?? ownRanks(name)),
  loadsOwnRanks: true,
  nodeStores: {
    sqlite: openSqlite,
    postgres: openPostgres,
    defaultSqlitePath: (appName: string) => path.join(process.cwd(), '.contextwise', `${appName}.sqlite`),
    unavailable: (e: unknown) => e instanceof StoreUnavailable,
  },
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

// What the web-standard entries share (browsers, workers, Cloudflare's workerd): the wasm is
// instantiated by `init()`, a trapped instance is replaced from the compiled module, rank files
// come from where each entry says.
import type * as glue from './contextwise_wasm.js';
import { bind, contextwiseError, type Runtime } from './common.js';
import type { EncodingName } from './contextwise_wasm.js';

/** Fetches bytes (a rank file at a URL). */
export async function fetchBytes(url: URL | string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** An entry's ways: the wasm `init()` uses by default, the package's own rank files, provider defaults. */
export interface WebEntry {
  /** The wasm-bindgen glue of the entry's wasm (imported by the entry, so a bundle holds only its own). */
  glue: typeof glue;
  defaultWasm?: () => glue.InitInput;
  ownRanks(name: EncodingName): Promise<Uint8Array>;
  providerDefaults?: Runtime['providerDefaults'];
}

/** `init` and the API, for one entry. */
export function webRuntime(entry: WebEntry) {
  let ready = false;
  let initializing: Promise<void> | undefined;
  /** The current wasm instance (replaced after a trap); instantiated by `init()`. */
  const module = entry.glue;
  let current: typeof glue = module.__contextwise_instance();

  /**
   * Instantiates the wasm module (once; later calls return the same promise). Pass the wasm's URL,
   * bytes or a compiled module when it is not next to this file.
   * @example import { init, loadEncoding, countTokens } from 'contextwise';
   * await init(); await loadEncoding('o200k_base');
   */
  function init(input?: glue.InitInput | Promise<glue.InitInput>): Promise<void> {
    const source = input ?? entry.defaultWasm?.();
    initializing ??= current.default(source === undefined ? undefined : { module_or_path: source }).then(() => {
      ready = true;
    }, (e) => {
      initializing = undefined;
      throw e;
    });
    return initializing;
  }

  const api = bind({
    ready: () => init(),
    wasm() {
      if (!ready) throw contextwiseError('NOT_INITIALIZED', 'contextwise is not initialized yet; call `await init()` once before other calls');
      return current;
    },
    replace() {
      // a fresh instance of the module that is already compiled (no fetch, synchronous)
      const fresh = module.__contextwise_instance();
      fresh.initSync({ module: current.__contextwise_module() });
      current = fresh;
    },
    readRanks: (name: EncodingName, location?: URL | string) => (location === undefined ? entry.ownRanks(name) : fetchBytes(location)),
    providerDefaults: entry.providerDefaults,
  });
  return { init, api };
}

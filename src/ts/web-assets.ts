// Where the web entries find the package's own files: URLs relative to this module, written as
// literal `new URL('…', import.meta.url)` so that bundlers (Vite, webpack, Turbopack, Parcel) see
// and emit every file; each rank file is fetched only when it is loaded.
import type { EncodingName } from './contextwise_wasm.js';

export const RANK_URLS: Record<EncodingName, () => URL> = {
  cl100k_base: () => new URL('../ranks/cl100k_base.bin', import.meta.url),
  o200k_base: () => new URL('../ranks/o200k_base.bin', import.meta.url),
  p50k_base: () => new URL('../ranks/p50k_base.bin', import.meta.url),
  r50k_base: () => new URL('../ranks/r50k_base.bin', import.meta.url),
};

/**
 * The URL of one of the package's files, as served. Vite's dev server (before Vite 8) pre-bundles
 * dependencies into `node_modules/.vite/deps/`, where `import.meta.url` no longer points next to the
 * package's files (the server would answer with its HTML page); the files are then served from
 * the package's own folder in node_modules, which Vite's dev server also serves.
 */
export function packageUrl(url: URL): URL {
  const deps = '/node_modules/.vite/deps/';
  const here = new URL(import.meta.url);
  const at = here.pathname.indexOf(deps);
  if (at < 0) return url;
  const file = url.pathname.split('/').pop() ?? '';
  return new URL(`${here.pathname.slice(0, at)}/node_modules/contextwise/pkg/${file.endsWith('.wasm') ? 'web' : 'ranks'}/${file}`, here);
}

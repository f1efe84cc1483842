// What the Workers and edge entries import as modules (wrangler's default rules; `?module`).
declare module '*.wasm?module' {
  const module: WebAssembly.Module;
  export default module;
}
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
declare module '*.bin' {
  const bytes: ArrayBuffer;
  export default bytes;
}

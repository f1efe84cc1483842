// Pages of the package's origin in headless Chromium, and code run in them with the web build
// (shared by the browser tests of the store and of the turn loop).

/** A browser context (shared IndexedDB) whose pages are closed by `close()`. */
export async function pageContext(browser, site, path) {
  const ctx = await browser.newContext();
  return {
    async page() {
      const page = await ctx.newPage();
      await page.goto(`${site.url}${path}`); // any document of the package's origin (a 404 page is fine)
      return page;
    },
    async close() {
      for (const p of ctx.pages()) await p.close().catch(() => {});
      await ctx.close();
    },
  };
}

/**
 * Runs `fn(cw, arg, h)` in `page` after `await cw.init()`. `h.S` is state kept by the page between
 * calls; `h.describe(e)` an error as data; `h.plain(v)` a result as JSON-able data (Maps → objects).
 */
export function run(page, fn, arg) {
  return page.evaluate(async ({ src, arg }) => {
    const cw = await import('/pkg/web/index.js');
    await cw.init();
    const describe = (e) => (e instanceof Error
      ? { name: e.name, code: e.code, message: e.message }
      : { notAnError: true, text: String(e) });
    const plain = (v) => {
      if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
      if (Array.isArray(v)) return v.map(plain);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
      return v;
    };
    const h = { S: (globalThis.__S ??= {}), describe, plain };
    // eslint-disable-next-line no-new-func
    return new Function('cw', 'arg', 'h', `return (${src})(cw, arg, h);`)(cw, arg, h);
  }, { src: fn.toString(), arg });
}


// Each library's way to load an encoding and count a string, for the benchmark.
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(path.join(root, 'package.json'));

export const LIBS = {
  contextwise: async (enc) => {
    const cw = await import(path.join(root, 'pkg/node/index.mjs'));
    await cw.loadEncoding(enc);
    const opts = { encoding: enc };
    return (text) => cw.countTokens(text, opts);
  },
  'tiktoken (wasm)': async (enc) => {
    const { get_encoding } = require('tiktoken');
    const e = get_encoding(enc);
    return (text) => e.encode(text, [], []).length;
  },
  'js-tiktoken': async (enc) => {
    const { getEncoding } = require('js-tiktoken');
    const e = getEncoding(enc);
    return (text) => e.encode(text, [], []).length;
  },
  'gpt-tokenizer': async (enc) => {
    const m = await import(`gpt-tokenizer/encoding/${enc}`);
    return (text) => m.countTokens(text);
  },
};

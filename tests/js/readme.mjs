// The README's code blocks, by the id written before each (`<!-- example: id -->`), so that tests run
// exactly what the README shows (tests/js/readme.test.mjs, tests/js/matrix.test.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { root } from './helpers.mjs';

/** Every fenced block of the README: `{ id, lang, code, line }` (`id` undefined when untagged). */
export function readmeBlocks(file = path.join(root, 'README.md')) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const tag = /^<!-- example: ([\w-]+) -->$/.exec(lines[i - 1] ?? '');
    let j = i + 1;
    while (j < lines.length && lines[j] !== '```') j++;
    if (j === lines.length) throw new Error(`README.md:${i + 1}: code block is not closed`);
    blocks.push({ id: tag?.[1], lang: open[1], code: lines.slice(i + 1, j).join('\n') + '\n', line: i + 1 });
    i = j;
  }
  return blocks;
}

/** The code of the README block with this id. */
export function readmeExample(id) {
  const found = readmeBlocks().filter((b) => b.id === id);
  if (found.length !== 1) throw new Error(`README.md has ${found.length} blocks tagged "example: ${id}"`);
  return found[0].code;
}

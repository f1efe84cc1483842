// Writes www/sample-conversation.json: a long developer chat assembled from the repo's corpus
// (licence texts and CPython source, see tests/fixtures/corpus/SOURCES.md) with a few decisions
// and file operations in it, for the demo's condensation panel. Run once; the output is committed.
import fs from 'node:fs';
const read = (f) => fs.readFileSync(new URL(`../tests/fixtures/corpus/${f}`, import.meta.url), 'utf8');
const prose = read('prose.txt').split('\n\n').map((p) => p.trim()).filter((p) => p.length > 120 && p.length < 900 && /^[\x00-\x7f]*$/.test(p));
const code = read('code.txt').split('\n\n').map((p) => p.trim()).filter((p) => p.startsWith('def ') && p.length < 700);
const events = [
  'I created `src/licence_check.py` to scan dependencies for licence terms.',
  'We decided to treat GPL-3 dependencies as blockers for the SDK build.',
  'Please always answer with short bullet points; I prefer that.',
  'I modified `src/licence_check.py` so it also reads MPL-2.0 headers.',
  'TODO: still need to add tests for the Apache-2.0 NOTICE handling.',
  'We will store the scan results in `reports/licences_2024.json`.',
  'Error: Traceback (most recent call last): KeyError: "licence" in scan_file.',
  'We must keep the scanner working on Python 3.8.',
];
const msgs = [{ role: 'system', content: 'You are a senior engineer helping a team audit the licences of their dependencies.' }];
for (let i = 0; i < 400; i++) {
  if (i % 2 === 0) {
    const ev = i % 50 === 0 ? ` ${events[(i / 50) % events.length]}` : '';
    msgs.push({ role: 'user', content: `What does this part of the licence mean for us?${ev}\n\n${prose[(i * 13) % prose.length]}` });
  } else {
    const snippet = i % 7 === 1 ? `\n\nA helper we could reuse:\n\n\`\`\`python\n${code[i % code.length]}\n\`\`\`` : '';
    msgs.push({ role: 'assistant', content: `${prose[(i * 17 + 5) % prose.length]}${snippet}` });
  }
}
fs.writeFileSync(new URL('../www/sample-conversation.json', import.meta.url), JSON.stringify(msgs, null, 1) + '\n');
console.log(msgs.length, 'messages');

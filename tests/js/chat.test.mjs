// countMessages against the OpenAI cookbook's documented formula, computed here with tiktoken.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cw, get_encoding } from './helpers.mjs';

await cw.loadEncoding('cl100k_base');
await cw.loadEncoding('o200k_base');

// The example from "How to count tokens with tiktoken" (OpenAI cookbook).
const example = [
  { role: 'system', content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.' },
  { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
  { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
  { role: 'system', name: 'example_user', content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage." },
  { role: 'system', name: 'example_assistant', content: "Let's talk later when we're less busy about how to do better." },
  { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
];

// The cookbook's num_tokens_from_messages, transcribed.
function cookbook(messages, encoding, perMessage, perName) {
  const enc = get_encoding(encoding);
  let n = 0;
  for (const m of messages) {
    n += perMessage;
    for (const [k, v] of Object.entries(m)) {
      n += enc.encode(v).length;
      if (k === 'name') n += perName;
    }
  }
  enc.free();
  return n + 3;
}

test('cookbook example: the documented totals per model family', () => {
  // Published in the cookbook: 127 (gpt-3.5-turbo-0301), 129 (gpt-3.5-turbo, gpt-4), 124 (gpt-4o, gpt-4o-mini).
  const cases = [
    ['gpt-3.5-turbo-0301', 'cl100k_base', 4, -1, 127],
    ['gpt-3.5-turbo', 'cl100k_base', 3, 1, 129],
    ['gpt-4-0613', 'cl100k_base', 3, 1, 129],
    ['gpt-4', 'cl100k_base', 3, 1, 129],
    ['gpt-4o', 'o200k_base', 3, 1, 124],
    ['gpt-4o-mini', 'o200k_base', 3, 1, 124],
  ];
  for (const [model, encoding, pm, pn, published] of cases) {
    const r = cw.countMessages(example, { model });
    assert.equal(r.total, cookbook(example, encoding, pm, pn), model);
    assert.equal(r.total, published, `${model} published figure`);
    assert.equal(r.estimated, false);
    assert.equal(r.perMessage.length, example.length);
    assert.equal(r.perMessage.reduce((a, b) => a + b, 0) + 3, r.total, 'per-message counts plus reply priming');
  }
});

test('content as parts counts like the same text as a string', () => {
  const a = cw.countMessages([{ role: 'user', content: 'Hello there, how are you?' }], { model: 'gpt-4o' });
  const b = cw.countMessages([{ role: 'user', content: [{ type: 'text', text: 'Hello there, ' }, { type: 'text', text: 'how are you?' }] }], { model: 'gpt-4o' });
  const enc = get_encoding('o200k_base');
  const parts = enc.encode('Hello there, ').length + enc.encode('how are you?').length;
  enc.free();
  assert.equal(b.total, a.total - cw.countTokens('Hello there, how are you?', { encoding: 'o200k_base' }) + parts);
});

// A PNG header of the given size, as a data URL (only the header is read).
function pngDataUrl(w, h) {
  const b = Buffer.alloc(33);
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').copy(b, 0);
  b.writeUInt32BE(w, 16); b.writeUInt32BE(h, 20);
  return 'data:image/png;base64,' + b.toString('base64');
}
const imageMsg = (url, detail) => [{ role: 'user', content: [{ type: 'image_url', image_url: { url, detail } }] }];

test('images: OpenAI tiles, patches and Anthropic pixels/750', () => {
  const framing = (model) => cw.countMessages([{ role: 'user', content: [] }], { model }).total;
  const img = (model, w, h, detail) => cw.countMessages(imageMsg(pngDataUrl(w, h), detail), { model }).images;
  assert.equal(img('gpt-4o', 1024, 1024, 'high'), 765);           // 4 tiles: 85 + 4 × 170
  assert.equal(img('gpt-4o', 2048, 4096, 'high'), 1105);          // 768×1536 → 6 tiles
  assert.equal(img('gpt-4o', 4000, 3000, 'low'), 85);
  assert.equal(img('gpt-4o-mini', 1024, 1024, 'high'), 2833 + 4 * 5667);
  assert.equal(img('gpt-4.1-mini', 1024, 1024), Math.ceil(1024 * 1.62)); // 32-px patches × 1.62
  const r = cw.countMessages(imageMsg(pngDataUrl(1024, 1024), 'high'), { model: 'gpt-4o' });
  assert.equal(r.total, framing('gpt-4o') + 765);
  assert.equal(r.estimated, false, 'known size and detail: exact');
  assert.equal(cw.countMessages(imageMsg('https://example.com/cat.png', 'high'), { model: 'gpt-4o' }).estimated, true);
  const claude = cw.countMessages([{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngDataUrl(1092, 1092).split(',')[1] } }] }], { model: 'claude-sonnet-4-5' });
  // Anthropic's documented formula, (width × height) / 750 — the text estimate's factor does not apply
  assert.equal(claude.images, Math.ceil(1092 * 1092 / 750));
  assert.equal(claude.estimated, true);
  const anthropicImage = (w, h) => [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngDataUrl(w, h).split(',')[1] } }] }];
  const wide = cw.countMessages(anthropicImage(1024, 768), { model: 'claude-sonnet-4-5' });
  assert.equal(wide.images, 1049); // 1024 × 768 / 750 = 1048.6
  const empty = cw.countMessages([{ role: 'user', content: [] }], { model: 'claude-sonnet-4-5' });
  assert.equal(wide.total, empty.total + 1049, 'the image adds its documented count to the total, unscaled');
});

// The cookbook's function-definition recipe, transcribed.
function cookbookTools(tools, encoding, funcInit) {
  const enc = get_encoding(encoding);
  const count = (s) => enc.encode(s).length;
  let n = 0;
  for (const t of tools) {
    const f = t.function;
    n += funcInit + count(`${f.name}:${f.description.replace(/\.$/, '')}`);
    const props = f.parameters.properties;
    if (Object.keys(props).length) {
      n += 3;
      for (const [key, p] of Object.entries(props)) {
        n += 3;
        if (p.enum) { n -= 3; for (const item of p.enum) n += 3 + count(item); }
        n += count(`${key}:${p.type}:${(p.description ?? '').replace(/\.$/, '')}`);
      }
    }
  }
  enc.free();
  return n + 12;
}

test('tool definitions, tool calls and tool results are counted', () => {
  const tools = [{ type: 'function', function: { name: 'get_current_weather', description: 'Get the current weather in a given location.',
    parameters: { type: 'object', properties: {
      location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
      unit: { type: 'string', description: 'The unit of temperature.', enum: ['celsius', 'fahrenheit'] },
    }, required: ['location'] } } }];
  const msgs = [{ role: 'user', content: 'What is the weather in Paris?' }];
  for (const [model, encoding, init] of [['gpt-4o', 'o200k_base', 7], ['gpt-4', 'cl100k_base', 10]]) {
    const without = cw.countMessages(msgs, { model }).total;
    const withTools = cw.countMessages(msgs, { model, tools });
    assert.equal(withTools.tools, cookbookTools(tools, encoding, init), model);
    assert.equal(withTools.total, without + withTools.tools);
    assert.equal(withTools.estimated, true, 'OpenAI calls the tool recipe an estimate');
  }
  const call = [
    ...msgs,
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_current_weather', arguments: '{"location":"Paris"}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: '{"temperature": 21, "unit": "celsius"}' },
  ];
  const r = cw.countMessages(call, { model: 'gpt-4o' });
  const t = (s) => cw.countTokens(s, { encoding: 'o200k_base' });
  assert.equal(r.perMessage[1], 3 + t('assistant') + t('get_current_weather') + t('{"location":"Paris"}'));
  assert.equal(r.perMessage[2], 3 + t('tool') + t('{"temperature": 21, "unit": "celsius"}'));
});

test('the count cache makes re-assessing a growing conversation cost only the new messages', () => {
  cw.configureCountCache({ clear: true, capacity: 1000 });
  const convo = [];
  for (let i = 0; i < 50; i++) {
    convo.push({ role: i % 2 ? 'assistant' : 'user', content: `message number ${i} about topic ${i % 7}` });
    cw.assessRisk(convo, { model: 'gpt-4o' });
  }
  const s = cw.countCacheStats();
  assert.equal(s.misses, 50, 'each message counted once');
  assert.equal(s.hits, (49 * 50) / 2, 'every earlier message came from the cache');
  cw.configureCountCache({ capacity: 10 });
  assert.equal(cw.countCacheStats().size, 10);
});

test('assessRisk: levels, limit, reserve and custom thresholds', () => {
  cw.models.register({ id: 'tiny-test', provider: 'test', tokenizer: { encoding: 'cl100k_base', exact: true }, contextWindow: 1100, maxOutputTokens: 100 });
  const msg = (n) => [{ role: 'user', content: 'a '.repeat(n).trim() }];
  const base = cw.countMessages(msg(1), { model: 'tiny-test' }).total - 1; // framing
  const at = (tokens) => cw.assessRisk(msg(tokens - base), { model: 'tiny-test' });
  assert.equal(at(699).level, 'SAFE');
  assert.equal(at(700).level, 'CAUTION');
  assert.equal(at(800).level, 'WARNING');
  assert.equal(at(900).level, 'CRITICAL');
  assert.equal(at(1000).level, 'CRITICAL');
  const o = at(1001);
  assert.deepEqual([o.level, o.action, o.limit, o.available, o.reserveOutput], ['OVERFLOW', 'condense_required', 1000, 0, 100]);
  const w = at(800);
  assert.deepEqual([w.tokens, w.available, w.action], [800, 200, 'condense']);
  assert.equal(cw.assessRisk(msg(500 - base), { model: 'tiny-test', thresholds: { caution: 0.3, warning: 0.4, critical: 0.5 } }).level, 'CRITICAL');
  assert.equal(cw.assessRisk(msg(500 - base), { model: 'tiny-test', reserveOutput: 600 }).level, 'CRITICAL');
});

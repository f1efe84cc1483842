// `npx contextwise proxy` in front of the real llama.cpp server (SmolLM2-135M; scripts/test-e2e.sh
// starts it), used by the official `openai` and `@anthropic-ai/sdk` clients, stream and non-stream,
// with the proxy translating between the formats both ways (llama.cpp speaks both). A long
// history under a small MAX_HISTORY_TOKENS is condensed before it reaches the model. The model is
// tiny, so only shape is asserted: answers arrive, context_info says what was done, usage adds up.
import test from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startProxy } from '../js/proxy-helpers.mjs';

const base = process.env.LLM_BASE; // http://127.0.0.1:<port>/v1
const model = 'smollm2-135m-instruct';
const history = [];
for (let i = 0; i < 40; i++) {
  history.push({ role: 'user', content: `Step ${i}: the invoice service ${'handles refunds, payouts and currency conversion; '.repeat(6)}what should we name handler ${i}?` });
  history.push({ role: 'assistant', content: `Call it handle_step_${i}.` });
}
history.push({ role: 'user', content: 'In one short sentence: what is an invoice?' });

for (const upstream of ['openai', 'anthropic']) {
  test(`both SDK clients through the proxy to llama.cpp's ${upstream} API`, { timeout: 600_000 }, async () => {
    const proxy = await startProxy({
      UPSTREAM_KIND: upstream,
      UPSTREAM_BASE_URL: upstream === 'openai' ? base : base.replace(/\/v1$/, ''),
      MAX_HISTORY_TOKENS: '1500',
    });
    try {
      const openai = new OpenAI({ baseURL: `${proxy.base}/v1`, apiKey: 'unused', maxRetries: 0 });
      const anthropic = new Anthropic({ baseURL: proxy.base, apiKey: 'unused', maxRetries: 0 });

      const chat = await openai.chat.completions.create({ model, messages: history, max_tokens: 24 });
      assert.equal(typeof chat.choices[0].message.content, 'string');
      assert.ok(chat.usage.prompt_tokens > 0 && chat.usage.prompt_tokens < 1500, JSON.stringify(chat.usage));
      assert.equal(chat.context_info.condensation_applied, true);
      assert.ok(chat.context_info.tokens_saved > 0);

      let streamed = '';
      const stream = await openai.chat.completions.create({ model, messages: history, max_tokens: 24, stream: true });
      for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
      assert.ok(streamed.length > 0, 'text streamed');

      const msg = await anthropic.messages.create({ model, max_tokens: 24, messages: history });
      assert.equal(msg.role, 'assistant');
      assert.equal(msg.content[0].type, 'text');
      assert.ok(msg.usage.input_tokens > 0 && msg.usage.input_tokens < 1500, JSON.stringify(msg.usage));

      const s = anthropic.messages.stream({ model, max_tokens: 24, messages: history });
      let text = '';
      s.on('text', (t) => { text += t; });
      const final = await s.finalMessage();
      assert.ok(text.length > 0 && final.stop_reason, 'text streamed to the end');

      const health = await (await fetch(`${proxy.base}/health`)).json();
      assert.equal(health.status, 'ok');
      assert.equal(health.upstream.reachable, true);
      const requests = proxy.requests().filter((r) => r.path !== '/health');
      assert.equal(requests.length, 4);
      assert.ok(requests.every((r) => r.status === 200 && r.condensed && r.tokens_after < r.tokens_before), JSON.stringify(requests));
    } finally {
      await proxy.stop();
    }
  });
}

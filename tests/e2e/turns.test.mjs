// The turn loop end to end against the real llama.cpp server (SmolLM2-135M; scripts/test-e2e.sh
// starts it): 30 turns through send() and stream(), alternating, in a 2,048-token limit so that
// condensation runs. The model is tiny, so only shape is asserted — never what it says: every
// turn answers (the server never refuses a prompt as too long, which it would if a request did
// not fit its context), sequence numbers follow each other, condensation ran, usage is stored,
// and the estimated model calibrated itself from the server's reported prompt tokens.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cw } from '../js/helpers.mjs';

const base = process.env.LLM_BASE;

test('30 turns through send() and stream() against llama.cpp', { timeout: 900_000 }, async () => {
  cw.models.register({ id: 'smollm2', provider: 'local', tokenizer: { encoding: 'o200k_base' }, contextWindow: 4096, maxOutputTokens: 64 });
  const events = [];
  const manager = await cw.ContextManager.open({
    appName: 'e2e-turns', store: 'memory',
    providers: { local: { kind: 'openai', baseUrl: base, timeoutMs: 120000 } },
    router: { models: { primary: 'smollm2' }, useHybrid: false },
    limits: { smollm2: { maxContextTokens: 2048 } },
    maxOutputTokens: 48,
    system: 'You are a helpful assistant. Answer in one or two short sentences.',
    onEvent: (e) => events.push(e),
  });
  try {
    const session = await manager.session('e2e');
    const facts = ['My name is Ada and I work on the billing service.', 'We decided to use Postgres 16 for the orders database.'];
    let condensed = 0;
    for (let i = 0; i < 30; i++) {
      const text = facts[i] ?? `Question ${i}: in a few words, what is a good name for a function that parses ISO dates, variant ${i}? Here is some context: ${'the service handles invoices, refunds and payouts; '.repeat(4)}`;
      let r;
      if (i % 2) {
        const s = session.stream(text);
        let streamed = '';
        for await (const d of s) if (d.type === 'text') streamed += d.text;
        r = await s.result;
        assert.equal(r.message.content, streamed, `turn ${i}: the stored reply is what was streamed`);
      } else {
        r = await session.send(text);
      }
      assert.equal(r.message.role, 'assistant');
      assert.equal(typeof r.message.content, 'string');
      assert.deepEqual(r.seq, [2 * i, 2 * i + 1]);
      assert.ok(r.usage && r.usage.promptTokens > 0 && r.usage.completionTokens > 0);
      assert.ok(r.contextInfo.tokensAfter <= r.contextInfo.limit);
      if (r.contextInfo.condensationApplied) condensed++;
    }
    assert.ok(condensed > 0, 'condensation ran');
    assert.equal((await session.messages()).length, 60);
    const stats = await manager.stats();
    assert.equal(stats.turns, 30);
    assert.equal(stats.models.smollm2.requests, (await session.usage()).filter((u) => u.model === 'smollm2').length);
    assert.ok(events.some((e) => e.type === 'condensation.done'));
    const factor = cw.models.get('smollm2').tokenizer.factor;
    assert.notEqual(factor, 1, 'the estimated model calibrated itself from reported usage');
    console.log(await manager.formatStats());
  } finally {
    await manager.close();
  }
});

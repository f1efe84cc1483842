// Routing from the built package: decisions, config errors, and falling back across providers
// served by local test servers when one keeps failing.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cw } from './helpers.mjs';
import { providerServer } from './provider-servers.mjs';

await cw.loadEncoding('cl100k_base');
await cw.loadEncoding('o200k_base');
const router = {
  models: { primary: 'claude-sonnet-4-5', code: 'deepseek-coder', complex: 'claude-sonnet-4-5', fast: 'qwen2.5:7b', vision: 'gpt-4o' },
  rules: [{ pattern: '^/fast ', model: 'qwen2.5:7b' }],
  fallbacks: ['gpt-4o-mini'],
};
const ask = (text) => [{ role: 'user', content: text }];

test('decisions from the built package', () => {
  const d = cw.route(ask('Generate REST API endpoints for orders in FastAPI'), router);
  assert.equal(d.model, 'deepseek-coder');
  assert.equal(d.provider, 'deepseek');
  assert.equal(d.task, 'code');
  assert.match(d.reason, /^Code task \(verb 'generate'\); deepseek-coder fits [\d,]+ of [\d,]+ tokens$/);
  assert.deepEqual(d.fallbacks, ['deepseek-coder', 'gpt-4o-mini', 'claude-sonnet-4-5']);
  assert.equal(cw.route(ask('/fast what is 2+2'), router).rule.index, 0);
  assert.equal(cw.route(ask('Debug this issue'), router).model, 'claude-sonnet-4-5');
  const stats = cw.routingStats();
  assert.ok(stats.requests >= 3 && stats.byTask.code >= 1);
});

test('router config errors are INVALID_CONFIG and name the rule', () => {
  assert.throws(() => cw.route(ask('x'), { default: 'gpt-4o', rules: [{ pattern: '[', model: 'gpt-4o' }] }), (e) => e.code === 'INVALID_CONFIG' && /rules\[0\]\.pattern '\['/.test(e.message));
  assert.throws(() => cw.route(ask('x'), { default: 'gpt-4o', rules: [{ pattern: 'x', model: 'nope' }] }), (e) => e.code === 'INVALID_CONFIG');
  assert.throws(() => cw.route(ask('x'), {}), (e) => e.code === 'INVALID_CONFIG');
  assert.throws(() => cw.route(ask('x'), { default: 'gpt-4o', typo: 1 }), (e) => e.code === 'INVALID_CONFIG');
  assert.throws(() => cw.route(ask('   '), router), (e) => e.code === 'INVALID_MESSAGE');
});

test('routedChat falls back to the next model when a provider keeps failing', async () => {
  const failing = await providerServer('openai');
  const healthy = await providerServer('openai');
  try {
    failing.script.push('500', '500', '500');
    const providers = {
      deepseek: cw.createProvider({ kind: 'openai', baseUrl: failing.base, retries: 1 }),
      openai: cw.createProvider({ kind: 'openai', baseUrl: healthy.base }),
    };
    const { result, decision } = await cw.routedChat(ask('Write a Python function that adds two numbers'), { router, providers });
    assert.equal(decision.model, 'gpt-4o-mini');
    assert.deepEqual(decision.attempts.map((a) => [a.model, a.ok, a.code ?? null]), [['deepseek-coder', false, 'PROVIDER_HTTP'], ['gpt-4o-mini', true, null]]);
    assert.equal(failing.requests.length, 2, 'the failing provider retried once, then the chain moved on');
    assert.equal(healthy.requests[0].body.model, 'gpt-4o-mini');
    assert.match(result.message.content, /^The image shows/);
    // a non-retryable error stops the chain
    failing.script.push('400');
    await assert.rejects(cw.routedChat(ask('Write a Python function that adds two numbers'), { router, providers }), (e) => e.code === 'PROVIDER_HTTP' && e.status === 400 && e.decision.attempts.length === 1);
  } finally {
    await failing.close();
    await healthy.close();
  }
});

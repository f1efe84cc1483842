// The demo page. Everything shown is set with textContent — model and user text never become HTML.
import { init, loadEncoding, countTokens, countMessages, assessRisk, models, isContextwiseError, planCondensation, condense, route, routingStats, createProvider } from '../pkg/web/index.js';

const $ = (id) => document.getElementById(id);
const input = $('input'), modelSel = $('model'), reserve = $('reserve');

const SAMPLE = [
  { role: 'system', content: 'You are a senior engineer. Answer briefly and show code when useful.' },
  { role: 'user', content: 'I created `src/server.py` with a Flask app. How do I add rate limiting?' },
  { role: 'assistant', content: 'Use flask-limiter:\n\n```python\nfrom flask_limiter import Limiter\nlimiter = Limiter(app, default_limits=["100/hour"])\n```\nWe decided to keep limits per API key.' },
  { role: 'user', name: 'alice', content: 'Great. Now write a test for it in tests/test_limits.py.' },
];

function setText(id, text) { $(id).textContent = text; }

function showError(e) {
  const box = $('error');
  if (!e) { box.hidden = true; box.textContent = ''; return; }
  box.hidden = false;
  box.textContent = isContextwiseError(e) ? `${e.code}: ${e.message}` : String(e);
}

function parseChat(text) {
  const t = text.trim();
  if (!t.startsWith('[')) return null;
  try { const v = JSON.parse(t); return Array.isArray(v) ? v : null; } catch { return null; }
}

function preview(m) {
  const c = m.content;
  const s = typeof c === 'string' ? c : Array.isArray(c) ? c.map((p) => (p && p.text) || (p && p.type ? `[${p.type}]` : '')).join(' ') : '';
  return s.length > 80 ? s.slice(0, 80) + '…' : s;
}

function renderBreakdown(messages, result) {
  const table = $('breakdown'), body = table.tBodies[0];
  body.replaceChildren();
  if (!messages) { table.hidden = true; return; }
  messages.forEach((m, i) => {
    const tr = document.createElement('tr');
    for (const v of [String(i), String(m.role ?? '') + (m.name ? ` (${m.name})` : ''), String(result.perMessage[i]), preview(m)]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.append(td);
    }
    body.append(tr);
  });
  setText('overhead', String(result.overhead));
  table.hidden = false;
}

function update() {
  const model = modelSel.value;
  const text = input.value;
  const chat = parseChat(text);
  const messages = chat ?? [{ role: 'user', content: text }];
  const opts = { model };
  if (reserve.value !== '') opts.reserveOutput = Number(reserve.value);
  try {
    const count = chat ? countMessages(chat, { model }) : null;
    const tokens = chat ? count.total : countTokens(text, { model });
    const risk = assessRisk(messages, opts);
    setText('count', tokens.toLocaleString('en-US'));
    setText('mode', chat ? `Chat transcript: ${chat.length} messages (framing and reply priming included)` : 'Plain text (paste a JSON array of messages for a chat count)');
    $('estimated').hidden = !(chat ? count.estimated : !models.get(model).tokenizer.exact);
    $('risk').dataset.level = risk.level;
    setText('level', risk.level);
    setText('risk-message', `${risk.message} → ${risk.action}`);
    setText('risk-numbers', `${risk.tokens.toLocaleString('en-US')} of ${risk.limit.toLocaleString('en-US')} usable tokens (window ${risk.contextWindow.toLocaleString('en-US')} − reserve ${risk.reserveOutput.toLocaleString('en-US')}); ${risk.available.toLocaleString('en-US')} available`);
    $('gauge-fill').style.width = `${Math.min(100, risk.utilization * 100)}%`;
    renderBreakdown(chat, count);
    showError(null);
  } catch (e) {
    showError(e);
  }
}

async function selectModel() {
  const info = models.get(modelSel.value);
  await loadEncoding(info.tokenizer.encoding);
  const p = info.pricing;
  setText('model-info', `${info.id} (${info.provider}) · ${info.tokenizer.exact ? 'exact' : `estimated: ${info.tokenizer.encoding} × ${info.tokenizer.factor.toFixed(2)}`} · window ${info.contextWindow.toLocaleString('en-US')} · max output ${info.maxOutputTokens.toLocaleString('en-US')} · $${p.input}/$${p.output} per M in/out`);
  update();
}

function condenseOptions() {
  const o = { model: modelSel.value, strategy: $('strategy').value };
  if ($('target').value !== '') o.target = Number($('target').value);
  if ($('keep').value !== '') o.keepRecent = Number($('keep').value);
  if (reserve.value !== '') o.reserveOutput = Number(reserve.value);
  return o;
}

function cell(tr, text) {
  const td = document.createElement('td');
  td.textContent = text;
  tr.append(td);
}

function showPlan() {
  const chat = parseChat(input.value);
  if (!chat) { showError(new Error('Condensation needs a chat transcript: load a sample or paste a JSON array of messages.')); return null; }
  try {
    const plan = planCondensation(chat, condenseOptions());
    const body = $('plan-table').tBodies[0];
    body.replaceChildren();
    for (const m of plan.messages) {
      const tr = document.createElement('tr');
      tr.dataset.action = m.action;
      for (const v of [String(m.index), m.role, m.action, String(m.tokens), m.reason]) cell(tr, v);
      body.append(tr);
    }
    $('plan-table').hidden = false;
    const counts = plan.messages.reduce((a, m) => ({ ...a, [m.action]: (a[m.action] ?? 0) + 1 }), {});
    let text = `${plan.needed ? 'Condensation planned' : 'Not needed (below the WARNING level; set a target to force it)'}: ` +
      `${plan.tokensBefore.toLocaleString('en-US')} → ≤ ${plan.tokensAfter.toLocaleString('en-US')} tokens (target ${plan.target.toLocaleString('en-US')}); ` +
      Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ');
    if (plan.summarizer) text += `; summarizer ≈ $${plan.summarizer.usd.toFixed(4)}`;
    if (plan.overBudget) text += `; over budget by ${plan.overBudget.excess} even after evicting all it may`;
    setText('plan-summary', text);
    showError(null);
    return plan;
  } catch (e) { showError(e); return null; }
}

async function applyCondense() {
  const chat = parseChat(input.value);
  if (!showPlan()) return;
  try {
    const r = await condense(chat, condenseOptions());
    const m = r.metrics;
    setText('metrics', `${m.tokensBefore.toLocaleString('en-US')} → ${m.tokensAfter.toLocaleString('en-US')} tokens (${(m.ratio * 100).toFixed(1)}%), ` +
      `strategy ${m.strategyUsed}${m.fallbacks.length ? ` after fallbacks: ${m.fallbacks.map((f) => `${f.strategy} (${f.reason})`).join('; ')}` : ''}, ${m.timeMs.toFixed(1)} ms`);
    const box = $('condensed');
    box.replaceChildren();
    for (const msg of r.messages) {
      const div = document.createElement('div');
      div.className = 'msg';
      const b = document.createElement('b');
      b.textContent = msg.role + (msg.name ? ` (${msg.name})` : '');
      const pre = document.createElement('pre');
      pre.textContent = typeof msg.content === 'string' ? msg.content : JSON.stringify(msg.content ?? msg.tool_calls);
      div.append(b, pre);
      box.append(div);
    }
    const ul = $('facts');
    ul.replaceChildren();
    for (const f of r.facts) {
      const li = document.createElement('li');
      li.textContent = `${f.kind.replace('_', ' ')}: ${f.text} [${f.sources.map((s) => '#' + s).join(', ')}]`;
      ul.append(li);
    }
    showError(null);
  } catch (e) { showError(e); }
}

function currentMessages() {
  return parseChat(input.value) ?? [{ role: 'user', content: input.value }];
}

async function doRoute() {
  try {
    const cfg = JSON.parse($('router').value);
    for (const id of new Set(Object.values(cfg.models ?? {}).concat(cfg.default ?? [], cfg.fallbacks ?? [], (cfg.rules ?? []).map((r) => r.model)))) {
      await loadEncoding(models.get(id).tokenizer.encoding);
    }
    const d = route(currentMessages(), cfg);
    setText('route-result', `→ ${d.model} (${d.provider}), ${d.task} task, confidence ${d.confidence}. ${d.reason}. Fallbacks: ${d.fallbacks.join(' → ')}` +
      (d.condensationRequired ? ' — condensation required' : ''));
    const s = routingStats();
    setText('route-stats', `${s.requests} decisions; by task ${JSON.stringify(s.byTask)}; ${(s.cheapShare * 100).toFixed(0)}% to models cheaper than the complex one; est. savings $${s.estimatedSavings.toFixed(4)}`);
    showError(null);
  } catch (e) { showError(e); }
}

let controller;
async function send() {
  controller?.abort();
  controller = new AbortController();
  setText('reply', '');
  setText('reply-meta', 'sending…');
  try {
    const provider = createProvider({ kind: $('p-kind').value, baseUrl: $('p-base').value, apiKey: $('p-key').value || undefined, timeoutMs: 120000 });
    const stream = provider.stream({ model: $('p-model').value, messages: currentMessages(), maxTokens: 512, signal: controller.signal });
    for await (const d of stream) {
      if (d.type === 'text') $('reply').append(document.createTextNode(d.text));
    }
    const r = await stream.result;
    setText('reply-meta', `finish: ${r.finishReason}; usage: ${r.usage ? `${r.usage.promptTokens} in / ${r.usage.completionTokens} out` : 'not reported'}; ` +
      `${r.cost == null ? 'no price for this model' : `$${r.cost.toFixed(6)}`}; ${r.attempts} attempt(s), ${r.latencyMs.toFixed(0)} ms to first byte`);
  } catch (e) {
    setText('reply-meta', isContextwiseError(e) ? `${e.code}${e.status ? ` (HTTP ${e.status})` : ''}: ${e.message}` : String(e));
  }
}

await init();
for (const m of models.list()) {
  const o = document.createElement('option');
  o.value = m.id;
  o.textContent = `${m.id} — ${m.provider}`;
  modelSel.append(o);
}
modelSel.value = 'gpt-4o';
input.addEventListener('input', update);
reserve.addEventListener('input', update);
modelSel.addEventListener('change', () => selectModel().catch(showError));
$('sample').addEventListener('click', () => { input.value = JSON.stringify(SAMPLE, null, 2); update(); });
$('clear').addEventListener('click', () => { input.value = ''; update(); });
$('sample-long').addEventListener('click', async () => {
  const res = await fetch(new URL('./sample-conversation.json', import.meta.url));
  input.value = JSON.stringify(await res.json(), null, 1);
  update();
  const total = countMessages(parseChat(input.value), { model: modelSel.value }).total;
  $('target').value = String(Math.round(total * 0.25 / 100) * 100);
});
$('plan').addEventListener('click', showPlan);
$('route-btn').addEventListener('click', () => doRoute());
$('send').addEventListener('click', () => send());
$('stop').addEventListener('click', () => controller?.abort());
$('apply').addEventListener('click', () => applyCondense());
await selectModel();
document.body.dataset.ready = 'true';

// The demo page. Everything shown is set with textContent — model and user text never become HTML.
import { init, loadEncoding, countTokens, countMessages, assessRisk, models, isContextwiseError } from '../pkg/web/index.js';

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
await selectModel();
document.body.dataset.ready = 'true';

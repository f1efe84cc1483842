// The contextwise demo: a chat app on ContextManager. Sessions live in IndexedDB; the API key in
// memory (or this tab's sessionStorage when the user asks). Model and user text only ever reach
// the page as Text nodes (ui.js, markdown.js).
import { init, ContextManager, countTokens, models, isContextwiseError } from '../pkg/web/index.js';
import { h, num, pct, usd, errorText, gauge, debounce } from './ui.js';
import { loadSettings, saveSettings, managerConfig, testConnection, settingsForm, PRESETS, connection, LOCAL_BUDGET } from './settings.js';
import { textOf, turnMeta, noteMeta, turnLine, messageRow, noteRow, streamRenderer, copyText } from './chat.js';
import { renderInspector } from './inspector.js';
import { series, lineChart } from './chart.js';

const $ = (id) => document.getElementById(id);
const OPEN = 'contextwise-demo:open';
const MAX_TURN_META = 500;

const app = { manager: null, settings: loadSettings(), session: null, busy: null, chartMoney: false };
const fail = (e) => notice(errorText(e, isContextwiseError), true);

function notice(text, isError = false) {
  const n = $('notice');
  n.hidden = !text;
  n.textContent = text ?? '';
  n.classList.toggle('error', isError);
}

// ---- the manager -------------------------------------------------------------------------

async function openManager() {
  await app.manager?.close();
  app.manager = await ContextManager.open({
    ...managerConfig(app.settings),
    onEvent: (e) => { if (e.type === 'storage' && e.fallback) notice(`Conversations are kept in memory only: ${e.detail}`, true); },
  });
  const p = PRESETS[app.settings.provider];
  $('provider-badge').textContent = p.kind ? `${p.label.split(' (')[0]} · ${app.settings.model || p.model}` : `No provider · local (${num(app.settings.budget || LOCAL_BUDGET)}-token budget)`;
}


function showTitle(title) {
  $('title').textContent = title || 'New chat';
  document.title = `${title || 'New chat'} — contextwise chat`;
}

/** Keeps what a turn did in the session's metadata: `turns` maps a message's seq to it. */
async function rememberTurn(session, seq, meta) {
  const md = (await session.info()).metadata ?? {};
  const turns = { ...(md.turns ?? {}), [seq]: meta };
  const keys = Object.keys(turns).map(Number).sort((a, b) => a - b);
  for (const k of keys.slice(0, Math.max(0, keys.length - MAX_TURN_META))) delete turns[k];
  await session.update({ metadata: { ...md, turns } });
}

// ---- sessions ----------------------------------------------------------------------------

async function refreshSessions() {
  const { sessions } = await app.manager.sessions({ limit: 200 });
  const list = $('session-list');
  list.replaceChildren(...sessions.map((s) => sessionItem(s)));
  return sessions;
}

function sessionItem(s) {
  const current = s.id === app.session?.id;
  const title = s.title || 'New chat';
  const open = h('button', { type: 'button', class: 'session-open', 'aria-current': current ? 'page' : false, onclick: () => openSession(s.id).catch(fail) },
    h('span', { class: 'session-title' }, title), h('span', { class: 'session-date small' }, new Date(s.updated).toLocaleString()));
  const rename = h('button', { type: 'button', class: 'icon', 'aria-label': `Rename ${title}`, title: 'Rename', onclick: () => startRename(li, s) }, '✎');
  const del = h('button', { type: 'button', class: 'icon', 'aria-label': `Delete ${title}`, title: 'Delete', onclick: () => removeSession(s).catch(fail) }, '✕');
  const li = h('li', { 'data-id': s.id }, open, rename, del);
  return li;
}

function startRename(li, s) {
  const input = h('input', { type: 'text', 'aria-label': 'Conversation title', value: s.title ?? '' });
  const done = async (save) => {
    if (save && input.value.trim()) await app.manager.session(s.id).then((x) => x.rename(input.value.trim()));
    await refreshSessions();
    if (s.id === app.session?.id && save && input.value.trim()) showTitle(input.value.trim());
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); done(true).catch(fail); }
    if (e.key === 'Escape') done(false).catch(fail);
  });
  input.addEventListener('blur', () => done(true).catch(fail));
  li.replaceChildren(input);
  input.focus();
  input.select();
}

async function removeSession(s) {
  if (!confirm(`Delete “${s.title || 'New chat'}” and everything in it?`)) return;
  await app.manager.deleteSession(s.id);
  if (s.id === app.session?.id) {
    const rest = (await app.manager.sessions({ limit: 1 })).sessions;
    await openSession(rest[0]?.id);
  } else await refreshSessions();
}

/** Opens the session `id` (a new one when absent) and shows it. */
async function openSession(id) {
  app.session = await app.manager.session(id);
  localStorage.setItem(OPEN, app.session.id);
  document.body.classList.remove('sidebar-open');
  await Promise.all([renderConversation(), refreshSessions()]);
  refreshPanels();
}

// ---- the conversation --------------------------------------------------------------------

/** The stored conversation, each reply with its turn line; tool exchanges of recall as one line. */
async function renderConversation({ scroll = true } = {}) {
  const s = app.session;
  const [records, info] = await Promise.all([s.messages(), s.info()]);
  if (s !== app.session) return;
  showTitle(info.title);
  const turns = info.metadata?.turns ?? {};
  const rows = [];
  const lastReply = records.findLast((r) => r.message.role === 'assistant' && !r.message.tool_calls);
  for (const rec of records) {
    const m = rec.message;
    if (m.role === 'tool' || (m.role === 'assistant' && m.tool_calls?.length)) continue; // recall exchanges: shown in the turn line
    const actions = [{ label: 'Copy', aria: `Copy message ${rec.seq}`, run: () => copyText(textOf(m)) }];
    if (m.role === 'user') actions.push({ label: 'Edit', aria: `Edit message ${rec.seq}`, run: () => startEdit(rec) });
    if (rec === lastReply && connection(app.settings)) actions.push({ label: 'Regenerate', run: () => regenerate().catch(fail) });
    const t = turns[rec.seq];
    rows.push(messageRow(rec, { actions, info: t && !t.note ? turnLine(t) : undefined }));
    if (t?.note) rows.push(noteRow(t));
  }
  if (!rows.length) rows.push(h('li', { class: 'empty' }, 'Say something — contextwise counts, routes, and keeps this conversation in your browser.'));
  $('messages').replaceChildren(...rows);
  if (scroll) $('messages').lastElementChild?.scrollIntoView({ block: 'end' });
}

function setBusy(controller) {
  app.busy = controller;
  $('stop').hidden = !controller;
  $('send').disabled = Boolean(controller);
}

/** Sends `text` in the open session: streamed from the provider, or locally when none is set. */
async function send(text, session = app.session) {
  if (!text.trim() || app.busy) return;
  const first = (await session.messages({ last: 1 })).length === 0;
  if (first && !(await session.info()).title) await session.rename(text.trim().replace(/\s+/g, ' ').slice(0, 60));
  if (!connection(app.settings)) return sendLocally(text, session);
  const controller = new AbortController();
  setBusy(controller);
  const list = $('messages');
  list.querySelector('.empty')?.remove();
  list.append(messageRow({ message: { role: 'user', content: text } }));
  const box = h('div', { class: 'content streaming', 'aria-busy': 'true' });
  list.append(messageRow({ message: { role: 'assistant', content: '' } }, { body: box }));
  box.scrollIntoView({ block: 'end' });
  const out = streamRenderer(box);
  try {
    const stream = session.stream(text, { signal: controller.signal, keepPartial: true });
    for await (const d of stream) if (d.type === 'text') out.append(d.text);
    const r = await stream.result;
    await rememberTurn(session, r.seq[1], turnMeta(r));
    notice('');
  } catch (e) {
    if (!(isContextwiseError(e) && e.code === 'ABORTED')) notice(errorText(e, isContextwiseError), true);
  } finally {
    setBusy(null);
    if (session === app.session) await renderConversation();
    await refreshSessions();
    refreshPanels();
  }
}

/** No provider: the message is stored, and routing, risk and condensation run for real. */
async function sendLocally(text, session) {
  setBusy(new AbortController());
  try {
    const rec = await session.append({ role: 'user', content: text });
    const p = await session.plan();
    const condensing = p.condensationNeeded ? await session.condense() : null;
    await rememberTurn(session, rec.seq, noteMeta(p, condensing));
  } finally {
    setBusy(null);
    await Promise.all([renderConversation(), refreshSessions()]);
    refreshPanels();
  }
}

async function regenerate() {
  const controller = new AbortController();
  setBusy(controller);
  const last = [...$('messages').querySelectorAll('.msg.assistant .content')].at(-1);
  last?.replaceChildren(h('em', {}, 'Regenerating…'));
  try {
    const r = await app.session.regenerate({ signal: controller.signal });
    await rememberTurn(app.session, r.seq[1], turnMeta(r));
    notice('');
  } catch (e) {
    if (!(isContextwiseError(e) && e.code === 'ABORTED')) fail(e);
  } finally {
    setBusy(null);
    await renderConversation();
    refreshPanels();
  }
}

/** Edit-and-resend: a fork of the conversation before `rec`, where the edited text is sent. */
function startEdit(rec) {
  const row = $('messages').querySelector(`li[data-seq="${rec.seq}"]`);
  const area = h('textarea', { 'aria-label': 'Edit message', rows: 3 });
  area.value = textOf(rec.message);
  const submit = async () => {
    const text = area.value;
    const title = `${(await app.session.info()).title ?? 'Chat'} (edited)`;
    const fork = rec.seq > 0 ? await app.session.fork(rec.seq - 1, { title }) : await app.manager.session(undefined, { title });
    await openSession(fork.id);
    await send(text, fork);
  };
  const editor = h('div', { class: 'editor' }, area,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', onclick: () => submit().catch(fail) }, 'Send as a new branch'),
      h('button', { type: 'button', onclick: () => renderConversation({ scroll: false }).catch(fail) }, 'Cancel')));
  row.replaceChildren(editor);
  area.focus();
}

// ---- the live meter, the inspector and usage ---------------------------------------------

/**
 * The live meter under the input and, when it is open, the inspector — from one preview of the
 * next turn with the draft as its message (`plan()` when the inspector needs the plan, else `assess()`).
 */
const refreshContext = debounce(async () => {
  const s = app.session;
  if (!s) return;
  const draft = $('message').value;
  const input = draft.trim() ? draft : undefined;
  const inspecting = !$('inspector').hidden;
  try {
    const [p, facts] = await Promise.all([inspecting ? s.plan(input) : s.assess(input), inspecting ? s.facts() : null]);
    if (s !== app.session) return;
    renderMeter(p, draft);
    if (inspecting) {
      const box = $('inspector-body');
      renderInspector(box, { preview: p, facts, onSource: showMessage });
      box.append(h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => condenseNow().catch(fail) }, 'Condense now')));
    }
  } catch (e) {
    const text = errorText(e, isContextwiseError);
    $('meter').textContent = text;
    if (inspecting) $('inspector-body').replaceChildren(h('h2', {}, 'Context inspector'), h('p', { class: 'error' }, text));
  }
}, 120);

function renderMeter(p, draft) {
  const own = draft ? countTokens(draft, { model: p.model }) : 0;
  $('meter').replaceChildren(
    gauge(p.riskLevel, p.utilization, 'Context risk'),
    h('span', { class: 'meter-text' }, `${num(own)} tokens in this message · conversation ${num(p.tokens)} of ${num(p.limit)} usable (${pct(p.utilization)}) `,
      h('strong', { 'data-level': p.riskLevel }, p.riskLevel), ` → ${p.model}${p.condensationNeeded ? ', condensed before sending' : ''}`));
}

async function condenseNow() {
  const c = await app.session.condense();
  notice(`Condensed for ${c.model}: ${num(c.tokensBefore)} → ${num(c.tokensAfter)} tokens with ${c.strategy}${c.fallbacks.length ? ` (after ${c.fallbacks.map((f) => `${f.strategy}: ${f.reason}`).join('; ')})` : ''}.`);
  refreshContext();
}

function showMessage(seq) {
  const row = $('messages').querySelector(`li[data-seq="${seq}"]`);
  if (!row) return;
  row.scrollIntoView({ block: 'center' });
  row.classList.add('flash');
  setTimeout(() => row.classList.remove('flash'), 1600);
}

async function refreshUsage() {
  if ($('usage').hidden) return;
  const { sessions } = await app.manager.sessions({ limit: 200 });
  const records = (await Promise.all(sessions.map((s) => app.manager.session(s.id).then((x) => x.usage())))).flat();
  const money = app.chartMoney;
  const byModel = series(records, money ? (r) => r.cost ?? 0 : (r) => r.promptTokens + r.completionTokens);
  $('chart').replaceChildren(lineChart(byModel, { money, title: money ? 'Cost per model over time (USD)' : 'Tokens per model over time' }));
  $('stats').textContent = await app.manager.formatStats();
}

function refreshPanels() {
  refreshContext();
  refreshUsage().catch(fail);
}

/** Shows or hides a side panel; one at a time, so the chat keeps its room. */
function togglePanel(id) {
  for (const other of ['inspector', 'usage']) {
    const show = other === id && $(other).hidden;
    $(other).hidden = !show;
    $(`toggle-${other}`).setAttribute('aria-pressed', String(show));
  }
  refreshPanels();
}

// ---- search, export, import --------------------------------------------------------------

const search = debounce(async (q) => {
  const out = $('search-results');
  if (!q.trim()) { out.hidden = true; out.replaceChildren(); return; }
  const [hits, { sessions }] = await Promise.all([app.manager.relevantMemory(q, { limit: 8 }), app.manager.sessions({ limit: 200 })]);
  const titles = new Map(sessions.map((s) => [s.id, s.title || 'New chat']));
  const byTitle = sessions.filter((s) => (s.title ?? '').toLowerCase().includes(q.toLowerCase()));
  const items = [
    ...byTitle.map((s) => h('li', {}, h('button', { type: 'button', onclick: () => openSession(s.id).catch(fail) }, h('strong', {}, s.title), h('span', { class: 'small' }, ' — title')))),
    ...hits.filter((x) => titles.has(x.sessionId)).map((x) => h('li', {}, h('button', { type: 'button', onclick: () => openSession(x.sessionId).then(() => x.source[0] !== undefined && showMessage(x.source[0])).catch(fail) },
      h('strong', {}, titles.get(x.sessionId)), h('span', { class: 'small' }, ` — ${x.kind}: ${x.text.slice(0, 140)}`)))),
  ];
  out.replaceChildren(...(items.length ? items : [h('li', { class: 'small muted' }, 'Nothing found in titles, facts or summaries.')]));
  out.hidden = false;
}, 200);

async function exportAll() {
  const data = await app.manager.export();
  const blob = new Blob([JSON.stringify(data, null, 1)], { type: 'application/json' });
  const a = h('a', { href: URL.createObjectURL(blob), download: `contextwise-export-${new Date().toISOString().slice(0, 10)}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

async function importFile(file) {
  const report = await app.manager.import(await file.text(), { onConflict: 'skip' });
  notice(`Imported ${report.imported.length} conversation(s)${report.skipped.length ? `; ${report.skipped.length} already here, left as they were` : ''}.`);
  await refreshSessions();
}

// ---- settings ----------------------------------------------------------------------------

function wireSettings() {
  const dialog = $('settings');
  const form = settingsForm($('settings-form'));
  const select = $('provider');
  for (const [id, p] of Object.entries(PRESETS)) select.append(h('option', { value: id }, p.label));
  $('model-ids').replaceChildren(...models.list().map((m) => h('option', { value: m.id }, m.provider)));
  $('open-settings').addEventListener('click', () => { form.fill(app.settings); $('test-result').textContent = ''; dialog.showModal(); });
  select.addEventListener('change', () => form.preset());
  $('cancel-settings').addEventListener('click', () => dialog.close());
  $('test-connection').addEventListener('click', async () => {
    const { settings, key } = form.read();
    $('test-result').textContent = 'Testing…';
    const r = await testConnection(settings, key);
    $('test-result').textContent = r.text;
    $('test-result').classList.toggle('error', !r.ok);
  });
  $('settings-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const { settings, key } = form.read();
    saveSettings(settings, key);
    app.settings = settings;
    dialog.close();
    try {
      await openManager();
      await openSession(app.session?.id);
      notice('');
    } catch (err) { fail(err); }
  });
}

// ---- start -------------------------------------------------------------------------------

async function firstRun() {
  // no conversations yet: a long sample shows counting, plans and condensation at once
  const sample = await (await fetch(new URL('./sample-conversation.json', import.meta.url))).json();
  const s = await app.manager.session(undefined, { title: `Sample: a long conversation (${sample.length} messages)` });
  await s.commitTurn({ messages: sample });
  // condensed once now, so its summary and facts ledger are there to look at
  const c = await s.condense();
  notice(`The sample was condensed locally for ${c.model}: ${num(c.tokensBefore)} → ${num(c.tokensAfter)} tokens with ${c.strategy}, ${c.facts} facts kept. No provider is set: open Settings to connect one.`);
  return s.id;
}

function wire() {
  const box = $('message');
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = box.value;
    if (!text.trim() || app.busy) return;
    box.value = '';
    send(text).catch(fail);
  });
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); $('composer').requestSubmit(); }
  });
  box.addEventListener('input', () => refreshContext());
  $('stop').addEventListener('click', () => app.busy?.abort());
  $('new-chat').addEventListener('click', () => openSession().then(() => box.focus()).catch(fail));
  $('search').addEventListener('input', (e) => search(e.target.value));
  $('export').addEventListener('click', () => exportAll().catch(fail));
  $('import').addEventListener('click', () => $('import-file').click());
  $('import-file').addEventListener('change', (e) => { const f = e.target.files[0]; e.target.value = ''; if (f) importFile(f).catch(fail); });
  $('toggle-inspector').addEventListener('click', () => togglePanel('inspector'));
  $('toggle-usage').addEventListener('click', () => togglePanel('usage'));
  $('chart-tokens').addEventListener('click', () => { app.chartMoney = false; $('chart-tokens').setAttribute('aria-pressed', 'true'); $('chart-cost').setAttribute('aria-pressed', 'false'); refreshUsage().catch(fail); });
  $('chart-cost').addEventListener('click', () => { app.chartMoney = true; $('chart-cost').setAttribute('aria-pressed', 'true'); $('chart-tokens').setAttribute('aria-pressed', 'false'); refreshUsage().catch(fail); });
  for (const b of document.querySelectorAll('.close-panel')) b.addEventListener('click', () => togglePanel(b.dataset.panel));
  $('open-sidebar').addEventListener('click', () => document.body.classList.add('sidebar-open'));
  $('close-sidebar').addEventListener('click', () => document.body.classList.remove('sidebar-open'));
  wireSettings();
}

try {
  await init();
  wire();
  await openManager();
  const { sessions } = await app.manager.sessions({ limit: 200 });
  const remembered = localStorage.getItem(OPEN);
  let id = sessions.some((s) => s.id === remembered) ? remembered : sessions[0]?.id;
  if (!id && !connection(app.settings)) id = await firstRun();
  await openSession(id);
  if (!connection(app.settings) && !$('notice').textContent) notice('No provider is set: everything runs locally in this page. Open Settings to connect one.');
} catch (e) {
  fail(e);
} finally {
  document.body.dataset.ready = 'true';
}

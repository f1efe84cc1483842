// Provider settings: what the user chose (kept in localStorage, without the key) and the API key
// (in memory, or in sessionStorage when the user ticks it — never IndexedDB, never the URL).
import { models, createProvider, isContextwiseError } from '../pkg/web/index.js';

const SETTINGS = 'contextwise-demo:settings';
const KEY = 'contextwise-demo:key';

/** Provider presets: wire format, default base URL and models per role. */
export const PRESETS = {
  none: { label: 'None (local only)', kind: null, baseUrl: '', model: '' },
  openai: { label: 'OpenAI', kind: 'openai', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', roles: { complex: 'gpt-4o', code: 'gpt-4.1' } },
  anthropic: { label: 'Anthropic', kind: 'anthropic', baseUrl: 'https://api.anthropic.com', model: 'claude-haiku-4-5', roles: { complex: 'claude-sonnet-4-5' } },
  deepseek: { label: 'DeepSeek', kind: 'openai', baseUrl: 'https://api.deepseek.com/v1', model: 'deepseek-chat', roles: { code: 'deepseek-coder', complex: 'deepseek-reasoner' } },
  ollama: { label: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', model: 'qwen2.5:7b', roles: {} },
  compatible: { label: 'OpenAI-compatible (llama.cpp, vLLM, LM Studio, OpenRouter)', kind: 'openai', baseUrl: 'http://127.0.0.1:8080/v1', model: 'local-model', roles: {} },
};

/** Without a provider, routing still decides among these (nothing is sent). */
const LOCAL_ROUTER = { models: { primary: 'gpt-4o', fast: 'gpt-4o-mini', code: 'deepseek-coder', complex: 'claude-sonnet-4-5' } };
/** Without a provider, contexts are fitted to this many tokens, so condensation can be watched. */
export const LOCAL_BUDGET = 16000;
const ROLES = ['code', 'fast', 'complex'];

let memoryKey = '';

/** The saved settings (defaults: no provider). */
export function loadSettings() {
  let s = {};
  try { s = JSON.parse(localStorage.getItem(SETTINGS) ?? '{}') ?? {}; } catch { /* a damaged entry: defaults */ }
  return {
    provider: PRESETS[s.provider] ? s.provider : 'none',
    baseUrl: typeof s.baseUrl === 'string' ? s.baseUrl : '',
    model: typeof s.model === 'string' ? s.model : '',
    roles: typeof s.roles === 'object' && s.roles ? s.roles : {},
    contextWindow: Number(s.contextWindow) > 0 ? Number(s.contextWindow) : 4096,
    budget: Number(s.budget) > 0 ? Number(s.budget) : 0,
    system: typeof s.system === 'string' ? s.system : '',
    recallTool: s.recallTool === true,
    rememberKey: s.rememberKey === true,
  };
}

/** The API key: from memory, else from this tab's sessionStorage when the user chose that. */
export function apiKey() {
  return memoryKey || sessionStorage.getItem(KEY) || '';
}

/** Saves the settings (never the key) and keeps the key where the user said. */
export function saveSettings(s, key) {
  const { rememberKey } = s;
  localStorage.setItem(SETTINGS, JSON.stringify(s));
  memoryKey = key;
  if (rememberKey && key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

/** The registry entry of `id`, registering a model the registry does not know. */
function known(id, s) {
  try {
    return models.get(id);
  } catch {
    const window = s.contextWindow;
    models.register({ id, provider: 'local', tokenizer: { encoding: 'o200k_base', exact: false }, contextWindow: window, maxOutputTokens: Math.min(4096, Math.floor(window / 4)), pricing: { input: 0, output: 0 } });
    return models.get(id);
  }
}

/** The connection of the chosen provider, for `createProvider` and the manager. */
export function connection(s, key = apiKey()) {
  const p = PRESETS[s.provider];
  if (!p.kind) return null;
  return { kind: p.kind, baseUrl: (s.baseUrl || p.baseUrl).replace(/\/+$/, ''), apiKey: key || undefined, timeoutMs: 120000, retries: 1 };
}

/** `ContextManager.open` options for these settings (the key only in the providers' memory). */
export function managerConfig(s) {
  const conn = connection(s);
  const common = { appName: 'contextwise-demo', store: 'indexeddb', system: s.system || undefined };
  const limits = (roles, budget) => (budget ? Object.fromEntries(Object.values(roles).map((id) => [id, { maxContextTokens: budget }])) : undefined);
  if (!conn) {
    const budget = s.budget || LOCAL_BUDGET;
    return { ...common, router: LOCAL_ROUTER, limits: limits(LOCAL_ROUTER.models, budget), condensation: { strategies: ['extractive', 'truncate'] } };
  }
  const roles = { primary: s.model || PRESETS[s.provider].model };
  for (const r of ROLES) if (s.roles[r]) roles[r] = s.roles[r];
  // every model the router may pick is reached through the one connection configured here
  const providers = {};
  for (const id of new Set(Object.values(roles))) providers[known(id, s).provider] = conn;
  return {
    ...common,
    providers,
    router: { models: roles, useHybrid: Object.keys(roles).length > 1 },
    limits: limits(roles, s.budget),
    condensation: { strategies: ['summary', 'extractive', 'truncate'], recallTool: s.recallTool },
  };
}

/** One tiny request with the settings in the dialog; resolves to a line for the user. */
export async function testConnection(s, key) {
  const conn = connection(s, key);
  if (!conn) return { ok: true, text: 'No provider: contextwise runs locally (counting, risk, plans, extractive condensation, routing).' };
  const model = s.model || PRESETS[s.provider].model;
  try {
    const r = await createProvider(conn).chat({ model, messages: [{ role: 'user', content: 'Reply with OK.' }], maxTokens: 8 });
    return { ok: true, text: `Connected: ${r.model} answered.` };
  } catch (e) {
    return { ok: false, text: isContextwiseError(e) ? `${e.code}${e.status ? ` (HTTP ${e.status})` : ''}: ${e.message}` : String(e) };
  }
}

/** Fills and reads the settings dialog's form. */
export function settingsForm(form) {
  const f = form.elements;
  const roleModels = () => Object.fromEntries(ROLES.map((r) => [r, f[`role-${r}`].value.trim()]).filter(([, v]) => v));
  return {
    fill(s) {
      f.provider.value = s.provider;
      f.baseUrl.value = s.baseUrl || PRESETS[s.provider].baseUrl;
      f.model.value = s.model || PRESETS[s.provider].model;
      for (const r of ROLES) f[`role-${r}`].value = s.roles[r] ?? '';
      f.contextWindow.value = String(s.contextWindow);
      f.budget.value = s.budget ? String(s.budget) : '';
      f.system.value = s.system;
      f.recallTool.checked = s.recallTool;
      f.rememberKey.checked = s.rememberKey;
      f.apiKey.value = apiKey();
    },
    preset() {
      const p = PRESETS[f.provider.value];
      f.baseUrl.value = p.baseUrl;
      f.model.value = p.model;
      for (const r of ROLES) f[`role-${r}`].value = p.roles?.[r] ?? '';
    },
    read() {
      return {
        settings: {
          provider: f.provider.value,
          baseUrl: f.baseUrl.value.trim(),
          model: f.model.value.trim(),
          roles: roleModels(),
          contextWindow: Number(f.contextWindow.value) || 4096,
          budget: Number(f.budget.value) || 0,
          system: f.system.value,
          recallTool: f.recallTool.checked,
          rememberKey: f.rememberKey.checked,
        },
        key: f.apiKey.value.trim(),
      };
    },
  };
}

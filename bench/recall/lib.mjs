// Shared by generate.mjs, eval.mjs and tests/js/recall-eval.test.mjs: how a message is read as
// text, how an answer string is matched, and how the committed conversations are loaded.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const HERE = path.dirname(new URL(import.meta.url).pathname);
export const CONV_DIR = path.join(HERE, 'conversations');

/** Case-insensitive, whitespace-normalized form used for every string match. */
export const norm = (s) => String(s).toLowerCase().replace(/\s+/g, ' ').trim();

/** The text of one message as a model would read it: content (string or parts) and tool-call arguments. */
export function messageText(m) {
  const parts = [];
  if (typeof m.content === 'string') parts.push(m.content);
  else if (Array.isArray(m.content)) {
    for (const p of m.content) {
      if (typeof p === 'string') parts.push(p);
      else if (p && typeof p.text === 'string') parts.push(p.text);
      else if (p && typeof p.content === 'string') parts.push(p.content);
      else if (p && p.type === 'tool_use' && p.input) parts.push(JSON.stringify(p.input));
    }
  }
  for (const c of m.tool_calls ?? []) {
    const fn = c.function ?? {};
    parts.push(`${fn.name ?? ''}(${typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {})})`);
  }
  return parts.join('\n');
}

/** The whole context as one normalized string, in message order. */
export const contextText = (messages) => norm(messages.map(messageText).join('\n\n'));

/**
 * Whether a fact survives in a (normalized) context text. A changed fact counts only when a new
 * value occurs and its last occurrence comes after the last occurrence of every old value.
 */
export function factKept(text, fact) {
  let lastNew = -1;
  for (const a of fact.answer) lastNew = Math.max(lastNew, text.lastIndexOf(norm(a)));
  if (lastNew < 0) return false;
  for (const o of fact.old ?? []) if (text.lastIndexOf(norm(o)) > lastNew) return false;
  return true;
}

/** The splits, each a folder of conversations: dev (conversations/), heldout, heldout2, heldout3, heldout4 and heldout5 (subfolders). */
export const SETS = ['dev', 'heldout', 'heldout2', 'heldout3', 'heldout4', 'heldout5'];
const setDir = (set) => (set === 'dev' ? CONV_DIR : path.join(CONV_DIR, set));

/** Loads the committed conversations: set 'dev', 'heldout', 'heldout2', 'heldout3', 'heldout4', 'heldout5' or 'all' (every split). */
export function loadSet(set = 'dev') {
  if (set !== 'all' && !SETS.includes(set)) throw new Error(`unknown set ${set}`);
  const dirs = (set === 'all' ? SETS : [set]).map(setDir);
  const out = [];
  for (const dir of dirs) {
    for (const f of fs.readdirSync(dir).filter((x) => /\.json(\.gz)?$/.test(x)).sort()) {
      const raw = fs.readFileSync(path.join(dir, f));
      const conv = JSON.parse((f.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8'));
      out.push({ file: path.relative(HERE, path.join(dir, f)), ...conv });
    }
  }
  return out;
}

export const CONVERSATION_KINDS = ['coding', 'support', 'planning', 'multilingual', 'agent', 'documents'];
export const FACT_KINDS = [
  'technology', 'file_created', 'rate_limit', 'account_id', 'host', 'deadline', 'function_added',
  'constraint', 'retry_policy', 'preference', 'deleted_module', 'max_amount', 'error_seen',
  'release_version', 'feature_flag', 'time_of_day', 'open_task', 'rotation_interval', 'owner', 'path_url',
];

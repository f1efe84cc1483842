// Structured logs: one JSON object per line on stdout. Message text appears only at the debug
// level, and API keys never (nothing that holds one is ever passed here).
export type Level = 'debug' | 'info' | 'warn' | 'error';
let threshold: Level | 'silent' = 'info';
const RANK: Record<Level | 'silent', number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** Sets the lowest level written (LOG_LEVEL). */
export function setLogLevel(level: Level | 'silent') {
  threshold = level;
}

/** True when lines of `level` are written. */
export const logs = (level: Level) => RANK[level] >= RANK[threshold];

/** Writes one line: `{ time, level, ...fields }`. */
export function log(level: Level, fields: Record<string, unknown>) {
  if (!logs(level)) return;
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), level, ...fields }) + '\n');
}

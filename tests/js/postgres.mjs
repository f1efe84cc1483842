// A throwaway Postgres server for the store tests: `startPostgres()` runs initdb into a temp dir
// and starts `postgres` on 127.0.0.1 (a free port, the unix socket in the temp dir, fsync off),
// waits until it accepts connections and returns `{ url, stop() }`. `stop()` shuts it down
// (SIGINT, fast shutdown; SIGKILL if it does not exit) and removes the dir. As root the server
// runs as the `postgres` user (initdb refuses root); otherwise as the current user.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { require } from './helpers.mjs';

const pg = require('pg');

/** The highest-versioned /usr/lib/postgresql/<v>/bin that has initdb and postgres (PG_BIN overrides). */
export function postgresBin() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base)
    ? fs.readdirSync(base).filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => parseFloat(b) - parseFloat(a))
    : [];
  for (const v of versions) {
    const bin = path.join(base, v, 'bin');
    if (fs.existsSync(path.join(bin, 'initdb')) && fs.existsSync(path.join(bin, 'postgres'))) return bin;
  }
  throw new Error(`no Postgres server binaries in ${base}/*/bin (apt-get install postgresql, or set PG_BIN)`);
}

/** uid and gid to run the server as: the `postgres` user when we are root, else none (ourselves). */
function serverUser() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root, but there is no postgres user to run the server as (initdb refuses root)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** A port that was free a moment ago on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Every server this process started and has not stopped: killed if the process exits anyway. */
const running = new Set();
process.on('exit', () => {
  for (const child of running) {
    try { child.kill('SIGKILL'); } catch { /* gone */ }
  }
});

/**
 * Starts a fresh server. `{ url, port, dir, stop() }`; `url` is
 * `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth).
 */
export async function startPostgres({ timeoutMs = 30_000 } = {}) {
  const bin = postgresBin();
  const user = serverUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-pg-'));
  const data = path.join(dir, 'data');
  fs.mkdirSync(data, { mode: 0o700 });
  if (user.uid !== undefined) {
    fs.chownSync(dir, user.uid, user.gid);
    fs.chownSync(data, user.uid, user.gid);
  }
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  const asServer = { ...user, cwd: dir, env };
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const init = spawnSync(path.join(bin, 'initdb'),
      ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
      { ...asServer, encoding: 'utf8', timeout: 120_000 });
    if (init.status !== 0) throw new Error(`initdb failed (${init.status ?? init.signal ?? init.error?.message}):\n${init.stderr}\n${init.stdout}`.slice(0, 3000));
  } catch (e) {
    cleanup();
    throw e;
  }

  // The port may be taken between freePort() and the server's bind: try a few.
  let lastError;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(path.join(bin, 'postgres'), [
      '-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', dir,
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
      '-c', 'shared_buffers=16MB', '-c', 'max_connections=60', '-c', 'dynamic_shared_memory_type=mmap',
      '-c', 'logging_collector=off', '-c', 'log_min_messages=warning',
    ], { ...asServer, stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => { running.delete(child); resolve({ code, signal }); }));
    let gone = null;
    exited.then((x) => { gone = x; });
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;

    const deadline = Date.now() + timeoutMs;
    let ready = false;
    while (!gone && Date.now() < deadline) {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
      try {
        await c.connect();
        await c.query('SELECT 1');
        ready = true;
      } catch (e) {
        lastError = e;
      } finally {
        await c.end().catch(() => {});
      }
      if (ready) break;
      await sleep(50);
    }
    if (ready) {
      let stopped;
      const stop = () => (stopped ??= (async () => {
        if (!gone) {
          child.kill('SIGINT'); // fast shutdown: disconnect clients, checkpoint, exit
          const timer = setTimeout(() => { if (!gone) child.kill('SIGKILL'); }, 10_000);
          await exited;
          clearTimeout(timer);
        }
        cleanup();
      })());
      return { url, port, dir, stop };
    }
    if (!gone) {
      child.kill('SIGKILL');
      await exited;
    }
    lastError = new Error(`postgres did not accept connections on port ${port} (${gone ? `exited ${gone.code ?? gone.signal}` : 'timed out'}; last: ${lastError?.message}):\n${stderr}`);
    // a port collision: try another port; anything else: give up
    if (!/could not bind|Address already in use|could not create listen socket/i.test(stderr)) break;
  }
  cleanup();
  throw lastError;
}

/** Creates a database on the server at `url` and returns its URL. */
export async function createDatabase(url, name) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${name}`);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.href;
}

/** Runs one query on a fresh connection; resolves to its rows. */
export async function query(url, sql, params = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

#!/usr/bin/env node
// `npx contextwise proxy`: reads the configuration (flags, then environment variables), starts
// the proxy, and shuts it down gracefully on SIGTERM / SIGINT. A bad configuration stops it at
// start with a message naming the variable (exit code 2).
import { createRequire } from 'node:module';
import { ConfigError, describeConfig, helpText, readConfig } from './config.js';
import { log, setLogLevel } from './log.js';
import { startProxy } from './server.js';

const version: string = createRequire(import.meta.url)('contextwise/package.json').version;

function fail(message: string, code = 2): never {
  process.stderr.write(`contextwise proxy: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help' || (command === 'proxy' && (rest.includes('--help') || rest.includes('-h')))) {
    process.stdout.write(helpText(version));
    return;
  }
  if (command === '-v' || command === '--version') {
    process.stdout.write(`${version}\n`);
    return;
  }
  if (command !== 'proxy') fail(`unknown command '${command.slice(0, 40)}'; run \`npx contextwise proxy\` (see --help)`);
  let cfg;
  try {
    cfg = readConfig(rest, process.env);
  } catch (e) {
    if (e instanceof ConfigError) fail(`invalid configuration: ${e.message}`);
    throw e;
  }
  setLogLevel(cfg.logLevel);
  let proxy;
  try {
    proxy = await startProxy(cfg, version);
  } catch (e) {
    if (e instanceof ConfigError) fail(`invalid configuration: ${e.message}`);
    throw e;
  }
  log('info', { msg: 'listening', version, port: proxy.port, url: `http://${cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host}:${proxy.port}`, config: describeConfig(cfg) });
  if (!cfg.serverApiKey && !['127.0.0.1', 'localhost', '::1'].includes(cfg.host)) {
    log('warn', { msg: `listening on ${cfg.host} without SERVER_API_KEY: anyone who can reach it can use the upstream key` });
  }
  const stop = (signal: string) => {
    proxy.shutdown(signal).then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main(process.argv.slice(2)).catch((e) => fail(`failed to start: ${(e as Error)?.message ?? String(e)}`, 1));

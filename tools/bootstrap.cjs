#!/usr/bin/env node
// Entry point of the README commands on a fresh clone. Runs on whatever Node
// the machine has (even one past end of life): installs the locked
// dependencies when missing or stale, which brings the pinned Node 24, then
// hands over to that Node for the real work.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const root = join(__dirname, '..');
const node24 = join(root, 'node_modules', 'node', 'bin', 'node');
const tsxLoader = join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');

const commands = {
  start: ['tools/stack/cli.ts'],
  test: ['tools/run-tests.ts'],
  token: ['tools/token.ts'],
  demo: ['tools/demo/demo.ts'],
  bench: ['tools/bench/bench.ts'],
};

function installNeeded() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker) || !existsSync(node24) || !existsSync(tsxLoader)) return true;
  return statSync(join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs;
}

const [command, ...args] = process.argv.slice(2);
if (!commands[command]) {
  process.stderr.write(`usage: bootstrap.cjs ${Object.keys(commands).join('|')} [args]\n`);
  process.exit(2);
}
if (installNeeded()) {
  process.stdout.write('Installing dependencies (npm ci, first run only)...\n');
  // npm ci runs on the machine's Node and checks the packages' engines against it, not against the Node 24 it installs.
  if (Number(process.versions.node.split('.')[0]) < 22) {
    process.stdout.write(`(npm runs on this machine's Node ${process.version}: its EBADENGINE warnings are expected; every command then runs on the pinned Node 24)\n`);
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('npm ci failed: see the output above (the npm registry must be reachable).\n');
    process.exit(result.status ?? 1);
  }
}
// kafkajs 2.2.4 schedules a negative timeout that Node 24 warns about (kafkajs issue #1751). The
// platform's clients are made with newKafka (libs/messaging), which stops the 1 ms timer loop behind
// it; the stack's short-lived probes are not, and the warning says nothing a developer can act on.
// Through NODE_OPTIONS too, so that the Node processes a command starts inherit it.
const quiet = ['--disable-warning=TimeoutNegativeWarning'];
const env = { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, ...quiet].filter(Boolean).join(' ') };
// The command runs in this one process, TypeScript loaded by tsx's hooks (`--import`), not under tsx's
// CLI: that runs it in a child of its own and, when a second signal comes (Ctrl-C reaches every process
// of the group, and this one passes it on), SIGKILLs the child if it has not answered within 30 ms, as
// happens while the stack is shutting down on two busy cores; `npm start` was then cut off mid-stop.
const child = spawn(node24, [...quiet, '--import', pathToFileURL(tsxLoader).href, ...commands[command], ...args], { cwd: root, stdio: 'inherit', env });
// A signal sent to this process alone (a process manager's SIGTERM, `timeout`) is passed on, so the
// command stops what it started (the stack's ports, its broker and store) instead of living on orphaned.
// Ctrl-C reaches both processes; the command treats a second SIGINT like the first.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

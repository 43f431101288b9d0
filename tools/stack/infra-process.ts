// Child-process plumbing for the local stack (see infra.ts for the overview).
//
// Rules this file enforces, and why:
// - Every child writes stdout+stderr to its own log file, never to our
//   terminal: the stack's console stays readable and the log survives a crash.
// - On Linux children are started through `setpriv --pdeathsig SIGTERM`, so
//   even if this Node process is SIGKILLed the kernel tells them to stop: no
//   orphaned JVM keeps a port busy. (The signal follows the spawning *thread*:
//   start the stack from the main thread, not from a worker_thread that ends
//   earlier.) Those children get a process group of their own (`detached`),
//   so a Ctrl-C in the terminal reaches only this process, which stops them in
//   its order (stopAll): services before the broker. When the Ctrl-C reached
//   the broker too, it shut down while the services were leaving their groups,
//   lost the groups' emptied state, and the next start waited out the old
//   members' 30 s session timeout. Without setpriv, children stay in OUR
//   process group, so that a Ctrl-C still reaches them.
// - Anything still running when this process exits gets SIGTERM from an
//   'exit' hook (installed on first spawn, not at import time).
// Only erasable TypeScript here: Node runs this file with type stripping.

import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';

export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Byte offset in logFile where this run's output starts (logs are appended across runs). */
  logStart: number;
  /** Resolves with the exit code (null when killed by a signal). Never rejects. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after timeoutMs (default 20 s). Safe to call twice. */
  stop(timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): void;
  /** True until the process has exited. */
  isRunning(): boolean;
  /**
   * Lets this process outlive the caller's event loop (it still ends with the
   * caller: SIGTERM on exit, and the parent-death signal). For a process started
   * by one test file that later ones go on using.
   */
  detach(): void;
}

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
}

const live = new Set<ManagedProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: a best-effort SIGTERM is all we can do.
  process.once('exit', () => {
    for (const p of live) p.kill('SIGTERM');
  });
}

const SETPRIV = '/usr/bin/setpriv';

export function spawnManaged(name: string, command: string, args: string[], o: SpawnOptions): ManagedProcess {
  mkdirSync(dirname(o.logFile), { recursive: true });
  const fd = openSync(o.logFile, 'a');
  const logStart = statSync(o.logFile).size;
  // setpriv execs the real command in place, so the pid we get is the pid that runs.
  const usePdeath = process.platform === 'linux' && existsSync(SETPRIV);
  const child = usePdeath
    ? spawn(SETPRIV, ['--pdeathsig', 'SIGTERM', '--', command, ...args], {
        cwd: o.cwd,
        env: o.env ?? process.env,
        stdio: ['ignore', fd, fd],
        detached: true,
      })
    : spawn(command, args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', fd, fd] });
  closeSync(fd); // the child has its own copy

  let running = true;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running = false;
      live.delete(proc);
      resolve(code);
    });
    child.once('error', (err) => {
      // spawn failure (e.g. ENOENT): no 'exit' follows
      running = false;
      live.delete(proc);
      // written to the log so the "last lines of the log" in errors explain it
      appendFileSync(o.logFile, `\n${name}: could not start ${command}: ${err.message}\n`);
      resolve(-1);
    });
  });

  const proc: ManagedProcess = {
    name,
    pid: child.pid ?? -1,
    logFile: o.logFile,
    logStart,
    exited,
    isRunning: () => running,
    detach() {
      child.unref();
    },
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (running) child.kill(signal);
    },
    async stop(timeoutMs = 20_000) {
      if (!running) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  live.add(proc);
  installExitHook();
  return proc;
}

/**
 * Stops step by step in the order given; an inner array is one step stopped in
 * parallel. E.g. stopAll([services, mail, mongo, kafka]): services stop first, so
 * their Kafka consumers can still leave their groups cleanly.
 */
export async function stopAll(steps: (ManagedProcess | ManagedProcess[])[], timeoutMs?: number): Promise<void> {
  for (const step of steps) {
    await Promise.all((Array.isArray(step) ? step : [step]).map((p) => p.stop(timeoutMs)));
  }
}

/** Every process this module started that has not exited yet. */
export function liveProcesses(): ManagedProcess[] {
  return [...live];
}

function readLog(file: string, from: number, maxBytes: number): string {
  try {
    const size = statSync(file).size;
    const start = Math.max(from, size - maxBytes); // Kafka logs get large: read the end only
    const buf = Buffer.alloc(Math.max(0, size - start));
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buf, 0, buf.length, start);
    } finally {
      closeSync(fd);
    }
    return buf.toString('utf8');
  } catch {
    return '';
  }
}

/** The last `n` non-empty lines of a log file ("" if unreadable). */
export function tailFile(file: string, n = 20, from = 0): string {
  return readLog(file, from, 64 * 1024)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-n)
    .join('\n');
}

// an ERROR/FATAL log line, or an exception header (not a stack frame)
const PROBLEM = /\b(ERROR|FATAL|SEVERE)\b|^(Exception in thread|Caused by:)|^[\w.$]+(Exception|Error)\b/;

/**
 * What to show when a process failed: the first few error lines of this run
 * (a JVM's last lines are usually its shutdown chatter, the cause comes first),
 * then its last `n` lines.
 */
export function logExcerpt(file: string, from = 0, n = 20): string {
  const lines = readLog(file, from, 2 * 1024 * 1024).split('\n');
  const problems = lines.filter((l) => PROBLEM.test(l)).slice(0, 8);
  const last = lines.filter((l) => l.trim() !== '').slice(-n);
  const shown = problems.filter((l) => !last.includes(l));
  return (shown.length > 0 ? `first errors:\n${shown.join('\n')}\n...\nlast lines:\n` : '') + last.join('\n');
}

export interface WaitForOptions {
  /** Where to tell the reader to look when it fails. */
  logFile?: string;
  /** Give up early, with the log's tail, if this process exits while we wait. */
  proc?: ManagedProcess;
  intervalMs?: number;
}

/**
 * Polls `probe` until it resolves true. A probe that throws counts as "not yet".
 * Fails after timeoutMs naming `what` (and the log file), or as soon as `o.proc`
 * exits, with the last 20 lines of its log: the reason is nearly always there.
 */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  o: WaitForOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const logFile = o.logFile ?? o.proc?.logFile;
  let lastError = '';
  for (;;) {
    if (o.proc && !o.proc.isRunning()) {
      const code = await o.proc.exited;
      throw new Error(
        `${o.proc.name} exited (code ${code}) before ${what}. ` +
          `From ${o.proc.logFile}:\n${logExcerpt(o.proc.logFile, o.proc.logStart)}`,
      );
    }
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}` +
          (lastError ? ` (last error: ${lastError})` : '') +
          (logFile ? `. See ${logFile}:\n${logExcerpt(logFile, o.proc?.logStart ?? 0)}` : ''),
      );
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 250));
  }
}

function portInUse(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(true);
      else reject(err);
    });
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(false)));
  });
}

/**
 * Fails with one message listing every busy port. `hints` maps a label to the
 * environment variable that moves it, e.g. { kafka: 'KAFKA_PORT' }.
 */
export async function assertPortsFree(
  ports: Record<string, number>,
  hints: Record<string, string> = {},
): Promise<void> {
  const busy: string[] = [];
  for (const [label, port] of Object.entries(ports)) {
    if (await portInUse(port, '127.0.0.1')) {
      const how = hints[label] ? `set ${hints[label]} to another port` : 'choose another port';
      busy.push(`port ${port} (${label}) is already in use: stop whatever listens there or ${how}`);
    }
  }
  if (busy.length > 0) throw new Error(busy.join('\n'));
}

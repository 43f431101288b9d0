import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnManaged, stopAll, waitFor, type ManagedProcess } from './infra-process.ts';

/** A process's group, from /proc (the fifth field of its stat line, after the command in parentheses). */
const processGroupOf = (pid: number | 'self') => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]);

// Where the kernel's parent-death signal covers a child (Linux with setpriv), the child gets a group of its own.
const pdeathsigAvailable = process.platform === 'linux' && existsSync('/usr/bin/setpriv');

describe('spawnManaged', () => {
  let dir: string;
  const started: ManagedProcess[] = [];
  const sleeper = (name: string) => {
    const proc = spawnManaged(name, 'sleep', ['30'], { logFile: join(dir, `${name}.log`) });
    started.push(proc);
    return proc;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'infra-process-'));
  });

  afterEach(async () => {
    await stopAll(started.splice(0), 2_000);
    rmSync(dir, { recursive: true, force: true });
  });

  (pdeathsigAvailable ? it : it.skip)('starts a child in a process group of its own, so that a Ctrl-C reaches only the caller, which stops it in order', () => {
    const child = sleeper('broker');
    expect(processGroupOf(child.pid)).toBe(child.pid);
    expect(processGroupOf(child.pid)).not.toBe(processGroupOf('self'));
  });

  it('stops the steps in the order given: the broker is still running when the slow-to-stop service has exited', async () => {
    // A service that takes 300 ms to shut down once told to (as one that leaves its groups and commits).
    const service = spawnManaged('service', 'sh', ['-c', 'trap "sleep 0.3; exit 0" TERM; echo ready; while :; do sleep 0.05; done'], { logFile: join(dir, 'service.log') });
    started.push(service);
    await waitFor('the service to handle SIGTERM', async () => readFileSync(join(dir, 'service.log'), 'utf8').includes('ready'), 5_000, { intervalMs: 10 });
    const broker = sleeper('broker');
    let brokerRunningWhenServiceExited: boolean | undefined;
    void service.exited.then(() => (brokerRunningWhenServiceExited = broker.isRunning()));
    await stopAll([[service], [broker]], 2_000);
    expect(brokerRunningWhenServiceExited).toBe(true);
    expect(broker.isRunning()).toBe(false);
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { COMPOSE_INFRA } from './external-infra.ts';
import { chooseInfra, provideInfra } from './infra-source.ts';

const repoRoot = join(__dirname, '..', '..');

describe('where the infrastructure comes from', () => {
  it('is what the variable names, checked', () => {
    expect(chooseInfra('external', true, 'E2E_INFRA')).toEqual({ source: 'external', automatic: false });
    expect(chooseInfra(' local ', true, 'E2E_INFRA')).toEqual({ source: 'local', automatic: false });
    expect(() => chooseInfra('docker', false, 'E2E_INFRA')).toThrow('E2E_INFRA must be local, containers, external; got "docker"');
  });

  it('is containers where a runtime is likely, else local, when nobody asks', () => {
    expect(chooseInfra(undefined, true, 'E2E_INFRA')).toEqual({ source: 'containers', automatic: true });
    expect(chooseInfra('', false, 'E2E_INFRA')).toEqual({ source: 'local', automatic: true });
  });

  it('takes external addresses from the environment under the prefix', async () => {
    const provided = await provideInfra({ source: 'external', automatic: false }, { repoRoot, env: { E2E_MONGO_URL: 'mongodb://db:27017' }, envPrefix: 'E2E_', log: () => undefined });
    expect(provided).toMatchObject({ source: 'external', external: { ...COMPOSE_INFRA, mongoUrl: 'mongodb://db:27017' } });
  });

  // This machine has no container runtime: testcontainers itself finds none.
  const noRuntime = !process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock');
  (noRuntime ? it : it.skip)('falls back to local when containers chosen automatically cannot start, and fails when they were asked for', async () => {
    const lines: string[] = [];
    const options = { repoRoot, env: {}, envPrefix: 'E2E_', log: (line: string) => lines.push(line) };
    const fallback = await provideInfra({ source: 'containers', automatic: true }, options);
    expect(fallback.source).toBe('local');
    expect(fallback.external).toBeUndefined();
    expect(lines.join('\n')).toMatch(/containers could not start \(.*container runtime.*\); using the embedded local stack/);
    await expect(provideInfra({ source: 'containers', automatic: false }, options)).rejects.toThrow(/container runtime/);
  });
});

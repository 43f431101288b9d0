import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, testProfile, type RunningStack } from '../tools/stack/stack.ts';

declare global {
  var __E2E_STACK__: RunningStack | undefined;
}

/**
 * Starts the test stack (own ports, in-memory store, fresh Kafka) once per run
 * and hands its addresses to the tests through the environment.
 * E2E_EXTERNAL_STACK=1 runs the suite against a stack that is already up on
 * the test profile's ports instead.
 */
export default async function globalSetup(): Promise<void> {
  const repoRoot = join(__dirname, '..');
  const profile = testProfile(repoRoot);
  const dockerSocket = '/var/run/docker.sock';
  process.stdout.write(
    existsSync(dockerSocket)
      ? '\ne2e: a Docker socket exists, but the testcontainers path is not wired yet; using the embedded local stack\n'
      : '\ne2e: no Docker engine reachable (no /var/run/docker.sock), testcontainers skipped; using the embedded local stack\n',
  );
  const started = Date.now();
  const stack = process.env.E2E_EXTERNAL_STACK ? undefined : await startStack(repoRoot, profile, (line) => process.stdout.write(`e2e stack: ${line}\n`));
  globalThis.__E2E_STACK__ = stack;
  if (stack) process.stdout.write(`e2e stack: up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.env.E2E_PROFILE = JSON.stringify(profile);
}

import { join } from 'node:path';
import { chooseInfra, containerRuntimeLikely, provideInfra, startStack, testProfile, type ProvidedInfra, type RunningStack } from '../tools/stack/stack.ts';

declare global {
  var __E2E_STACK__: RunningStack | undefined;
  var __E2E_INFRA__: ProvidedInfra | undefined;
}

/**
 * Starts the test stack (own ports, fresh data) once per run and hands its
 * addresses to the tests through the environment. Its Kafka, MongoDB and
 * MailDev (E2E_INFRA, tools/stack/infra-source.ts): docker-compose.yml's images
 * through testcontainers where a container runtime is reachable, else (or with
 * E2E_INFRA=local) the embedded local ones; E2E_INFRA=external takes fresh ones
 * at E2E_KAFKA_BROKERS, E2E_MONGO_URL, E2E_SMTP_URL and E2E_MAIL_WEB_URL.
 * E2E_EXTERNAL_STACK=1 runs the suite against a whole stack already up on the
 * test profile's ports instead.
 */
export default async function globalSetup(): Promise<void> {
  const repoRoot = join(__dirname, '..');
  const log = (line: string) => process.stdout.write(`e2e stack: ${line}\n`);
  const started = Date.now();
  let profile = testProfile(repoRoot);
  if (!process.env.E2E_EXTERNAL_STACK) {
    const choice = chooseInfra(process.env.E2E_INFRA, containerRuntimeLikely(), 'E2E_INFRA');
    const why = !choice.automatic ? 'E2E_INFRA' : choice.source === 'containers' ? 'a container runtime is reachable' : 'no container runtime reachable';
    process.stdout.write(`\ne2e: infrastructure ${choice.source} (${why})\n`);
    const infra = await provideInfra(choice, { repoRoot, env: process.env, envPrefix: 'E2E_', log });
    globalThis.__E2E_INFRA__ = infra;
    profile = { ...profile, external: infra.external };
    try {
      globalThis.__E2E_STACK__ = await startStack(repoRoot, profile, log);
    } catch (error) {
      await infra.stop();
      throw error;
    }
    process.stdout.write(`e2e stack: up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  process.env.E2E_PROFILE = JSON.stringify(profile);
}

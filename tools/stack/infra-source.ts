// Where a stack's Kafka, MongoDB and MailDev come from:
//   local       the embedded processes (infra.ts), started by the stack itself
//   containers  docker-compose.yml's images, started here with testcontainers (containers.ts)
//   external    already running elsewhere, at addresses from the environment (external-infra.ts)
import { startContainerInfra } from './containers.ts';
import { externalInfraFromEnv, type ExternalInfra } from './external-infra.ts';
import type { Log } from './infra.ts';

export const INFRA_SOURCES = ['local', 'containers', 'external'] as const;
export type InfraSource = (typeof INFRA_SOURCES)[number];

export interface InfraChoice {
  source: InfraSource;
  /** True when the caller did not ask: containers may then fall back to local (see provideInfra). */
  automatic: boolean;
}

/** `requested` when it is one of INFRA_SOURCES (else an error naming them), or containers where a runtime is likely, else local. */
export function chooseInfra(requested: string | undefined, runtimeLikely: boolean, variable: string): InfraChoice {
  const asked = requested?.trim();
  if (asked) {
    if (!(INFRA_SOURCES as readonly string[]).includes(asked)) throw new Error(`${variable} must be ${INFRA_SOURCES.join(', ')}; got "${asked}"`);
    return { source: asked as InfraSource, automatic: false };
  }
  return { source: runtimeLikely ? 'containers' : 'local', automatic: true };
}

export interface ProvidedInfra {
  source: InfraSource;
  /** Undefined for local: the stack starts its own. */
  external?: ExternalInfra;
  /** Stops what was started here (the containers); nothing for local and external. */
  stop(): Promise<void>;
}

/**
 * The infrastructure for `choice`. Containers chosen automatically that cannot
 * start (no image pulls from this machine, a runtime that refuses) fall back to
 * the local stack, saying why; asked for by name, they fail.
 */
export async function provideInfra(choice: InfraChoice, o: { repoRoot: string; env: NodeJS.ProcessEnv; envPrefix: string; log: Log }): Promise<ProvidedInfra> {
  const nothing = () => Promise.resolve();
  if (choice.source === 'local') return { source: 'local', stop: nothing };
  if (choice.source === 'external') return { source: 'external', external: externalInfraFromEnv(o.env, o.envPrefix), stop: nothing };
  try {
    const containers = await startContainerInfra(o.repoRoot, o.log);
    return { source: 'containers', external: containers.infra, stop: () => containers.stop() };
  } catch (error) {
    if (!choice.automatic) throw error;
    o.log(`containers could not start (${(error as Error).message.split('\n')[0]}); using the embedded local stack`);
    return { source: 'local', stop: nothing };
  }
}

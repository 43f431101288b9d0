// Kafka, MongoDB and MailDev as containers of docker-compose.yml's own images,
// started with testcontainers where a container runtime is reachable: the e2e
// suite and the bench then run the five services against the real images
// (external-infra.ts), each run on fresh containers, as the local stack is fresh.
// This machine has no Docker engine, so this path has not run here: what is
// checked here is the plan (containerPlan, from docker-compose.yml) and the
// external-infrastructure path it feeds, against local infrastructure.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ExternalInfra } from './external-infra.ts';
import type { Log } from './infra.ts';

/** Ports inside the containers, as docker-compose.yml configures them. */
const KAFKA_HOST_LISTENER = 9094;
const MONGO_PORT = 27017;

export interface ContainerSpec {
  image: string;
  environment: Record<string, string>;
  /** Container port → host port; 0 lets the runtime choose. */
  ports: { container: number; host: number }[];
}

export interface ContainerPlan {
  kafka: ContainerSpec;
  mongo: ContainerSpec;
  maildev: ContainerSpec;
}

interface ComposeInfraService {
  image?: string;
  environment?: Record<string, string | number | boolean | null>;
}

/**
 * The three containers, from docker-compose.yml's kafka, mongo and maildev
 * services (image and environment), so the tests run what production runs.
 * Kafka's host listener is advertised at `host:kafkaHostPort`, bound to that
 * port: a client is sent to the address the broker advertises, so that port
 * must be known before the broker starts; its other listeners at localhost. MongoDB without credentials (the
 * compose file's are optional); MailDev's ports as compose sets them.
 */
export function containerPlan(composeText: string, host: string, kafkaHostPort: number): ContainerPlan {
  const compose = parse(composeText, { merge: true }) as { services?: Record<string, ComposeInfraService> };
  const service = (name: string): ComposeInfraService & { image: string } => {
    const found = compose.services?.[name];
    if (!found?.image) throw new Error(`docker-compose.yml has no image for "${name}"`);
    return found as ComposeInfraService & { image: string };
  };
  const text = (environment: ComposeInfraService['environment']) =>
    Object.fromEntries(Object.entries(environment ?? {}).filter(([, value]) => value !== null && !String(value).includes('${')).map(([key, value]) => [key, String(value)]));
  const kafka = service('kafka');
  const kafkaEnv = text(kafka.environment);
  // Outside compose's network the container has no name: its other listeners advertise localhost, which it is to itself.
  const advertised = (kafkaEnv.KAFKA_ADVERTISED_LISTENERS ?? '')
    .split(',')
    .filter((listener) => listener && !listener.startsWith('HOST://'))
    .map((listener) => listener.replace(/^(\w+):\/\/[^:]*:/, '$1://localhost:'));
  kafkaEnv.KAFKA_ADVERTISED_LISTENERS = [...advertised, `HOST://${host}:${kafkaHostPort}`].join(',');
  const maildev = service('maildev');
  const maildevEnv = text(maildev.environment);
  return {
    kafka: { image: kafka.image, environment: kafkaEnv, ports: [{ container: KAFKA_HOST_LISTENER, host: kafkaHostPort }] },
    mongo: { image: service('mongo').image, environment: {}, ports: [{ container: MONGO_PORT, host: 0 }] },
    maildev: {
      image: maildev.image,
      environment: maildevEnv,
      ports: [
        { container: Number(maildevEnv.MAILDEV_SMTP_PORT ?? 1025), host: 0 },
        { container: Number(maildevEnv.MAILDEV_WEB_PORT ?? 1080), host: 0 },
      ],
    },
  };
}

/** The addresses of the started containers, as the stack's services and the tests reach them. */
export function containerInfra(plan: ContainerPlan, host: string, mappedPort: (service: keyof ContainerPlan, containerPort: number) => number): ExternalInfra {
  const [smtp, web] = plan.maildev.ports as [ContainerSpec['ports'][0], ContainerSpec['ports'][0]];
  return {
    kafkaBrokers: `${host}:${plan.kafka.ports[0]!.host}`,
    mongoUrl: `mongodb://${host}:${mappedPort('mongo', MONGO_PORT)}`,
    smtpUrl: `smtp://${host}:${mappedPort('maildev', smtp.container)}`,
    mailWebUrl: `http://${host}:${mappedPort('maildev', web.container)}`,
  };
}

/** Where testcontainers would look for a runtime by default: DOCKER_HOST, or the usual socket. */
export function containerRuntimeLikely(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningContainers {
  infra: ExternalInfra;
  stop(): Promise<void>;
}

/** Starts the three containers (pulling the images the first time), and stops those that did start if one fails. */
export async function startContainerInfra(repoRoot: string, log: Log): Promise<RunningContainers> {
  // Loaded here only: the local stack never needs it.
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  const runtime = await getContainerRuntimeClient().catch((error: Error) => {
    throw new Error(`no container runtime reachable (testcontainers: ${error.message})`);
  });
  const host = runtime.info.containerRuntime.host;
  const plan = containerPlan(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), host, await freePort());
  log(`containers on ${host}: ${Object.values(plan).map((spec) => spec.image).join(', ')} (docker-compose.yml's images; pulled the first time)`);
  const names = Object.keys(plan) as (keyof ContainerPlan)[];
  const started = await Promise.allSettled(
    names.map((name) => {
      const spec = plan[name];
      return new GenericContainer(spec.image)
        .withEnvironment(spec.environment)
        .withExposedPorts(...spec.ports.map((p) => (p.host ? { container: p.container, host: p.host } : p.container)))
        .withWaitStrategy(Wait.forListeningPorts())
        .withStartupTimeout(180_000)
        .start();
    }),
  );
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async () => {
    await Promise.allSettled(running.map((container) => container.stop()));
  };
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const byName = new Map(names.map((name, i) => [name, running[i]!]));
  const infra = containerInfra(plan, host, (name, port) => byName.get(name)!.getMappedPort(port));
  return { infra, stop };
}

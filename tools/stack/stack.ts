// The whole local system: infrastructure (Kafka, MongoDB-wire, MailDev), the
// platform's topics, and the five services, each waited on until healthy.
// Used by `npm start` (profile "dev") and by the e2e suite (profile "test", on
// its own ports, in-memory store and fresh data, so both can run at once).
// Runs under tsx (npm scripts) and under jest. A profile with `external`
// infrastructure (external-infra.ts) starts only the services, against it.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertPortsFree,
  checkPrerequisites,
  createTopics,
  ensureJars,
  spawnManaged,
  startKafka,
  startMailDev,
  startMongo,
  stopAll,
  waitFor,
  type InfraPorts,
  type Log,
  type ManagedProcess,
} from './infra.ts';
// A relative import: jest's globalSetup runs outside its module mapper.
import { topicsToProvision } from '../../libs/contracts/src/registry';
import { waitForExternalInfra, type ExternalInfra } from './external-infra.ts';

export type { ManagedProcess } from './infra.ts';
export { startKafka } from './infra.ts';
// For the e2e suite, whose one entry into the stack tooling is this module.
export { containerRuntimeLikely } from './containers.ts';
export { chooseInfra, provideInfra, type ProvidedInfra } from './infra-source.ts';

export const SERVICES = ['requests', 'feedback-store', 'reporting', 'analytics', 'notifications'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface StackProfile {
  /** bench: `npm run bench`, isolated like test (tools/bench/bench-stack.ts). */
  name: 'dev' | 'test' | 'bench';
  dataDir: string;
  /** dev keeps data between runs; test starts from nothing every time. */
  fresh: boolean;
  mongoBackend: 'h2' | 'memory';
  /** JVM heap of the MongoDB-wire server (default 1g). */
  mongoMaxHeap?: string;
  ports: InfraPorts;
  servicePorts: Record<ServiceName, number>;
  /** Extra environment for every service (tests shorten windows, use a db prefix...). */
  serviceEnv: Record<string, string>;
  /**
   * Kafka, MongoDB and MailDev already running elsewhere: the stack starts only
   * the services, against them (`ports` and the store settings are then unused).
   */
  external?: ExternalInfra;
}

export function devProfile(repoRoot: string): StackProfile {
  return {
    name: 'dev',
    dataDir: join(repoRoot, '.local', 'dev'),
    fresh: false,
    mongoBackend: 'h2',
    ports: { kafka: 9092, kafkaController: 9093, mongo: 27017, smtp: 1025, mailWeb: 1080 },
    servicePorts: { requests: 3001, 'feedback-store': 3002, reporting: 3003, analytics: 3004, notifications: 3005 },
    serviceEnv: {},
  };
}

/**
 * The e2e stack. E2E_PORT_OFFSET shifts every port (and the data folder), so
 * several suites can run on one machine at once.
 */
export function testProfile(repoRoot: string, offset = Number(process.env.E2E_PORT_OFFSET ?? 0)): StackProfile {
  const at = (port: number) => port + offset;
  return {
    name: 'test',
    dataDir: join(repoRoot, '.local', offset ? `test-${offset}` : 'test'),
    fresh: true,
    mongoBackend: 'memory',
    ports: { kafka: at(19092), kafkaController: at(19093), mongo: at(28017), smtp: at(11025), mailWeb: at(11080) },
    servicePorts: { requests: at(13001), 'feedback-store': at(13002), reporting: at(13003), analytics: at(13004), notifications: at(13005) },
    serviceEnv: { MONGO_DB_PREFIX: 'e2e_', NODE_ENV: 'test', LOG_LEVEL: 'info', EXPIRY_SWEEP_INTERVAL: 'PT1S', EMAIL_PROFILE_WAIT: 'PT15S' },
  };
}

export interface RunningStack {
  profile: StackProfile;
  /** Environment a client (test, token tool) needs to reach the stack. */
  urls: StackUrls;
  processes: ManagedProcess[];
  stop(): Promise<void>;
}

export interface StackUrls {
  kafkaBrokers: string;
  mongoUrl: string;
  smtpUrl: string;
  mailWebUrl: string;
  services: Record<ServiceName, string>;
}

export function stackUrls(profile: StackProfile): StackUrls {
  const host = '127.0.0.1';
  return {
    kafkaBrokers: profile.external?.kafkaBrokers ?? `${host}:${profile.ports.kafka}`,
    mongoUrl: profile.external?.mongoUrl ?? `mongodb://${host}:${profile.ports.mongo}`,
    smtpUrl: profile.external?.smtpUrl ?? `smtp://${host}:${profile.ports.smtp}`,
    mailWebUrl: profile.external?.mailWebUrl ?? `http://${host}:${profile.ports.mailWeb}`,
    services: Object.fromEntries(SERVICES.map((s) => [s, `http://${host}:${profile.servicePorts[s]}`])) as Record<ServiceName, string>,
  };
}

/** The environment every service gets: DESIGN.md 3.4 variables, overridable by the caller's own environment. */
export function serviceEnvironment(profile: StackProfile, service: ServiceName, parentEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const urls = stackUrls(profile);
  const defaults: Record<string, string> = {
    KAFKA_BROKERS: urls.kafkaBrokers,
    MONGO_URL: urls.mongoUrl,
    SMTP_URL: urls.smtpUrl,
    PUBLIC_BASE_URL: urls.services.requests,
    DOCUMENTATION_BASE_URL: urls.services.reporting,
    ...profile.serviceEnv,
  };
  // An operator's or test's own setting wins over the profile's default, except
  // for what makes two stacks separate (ports and brokers are the profile's).
  const env: NodeJS.ProcessEnv = { ...defaults, ...parentEnv, KAFKAJS_NO_PARTITIONER_WARNING: '1' };
  if (profile.name !== 'dev') Object.assign(env, defaults);
  env.PORT = String(profile.servicePorts[service]);
  return env;
}

async function healthy(url: string): Promise<boolean> {
  const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(3000) });
  return response.status === 200;
}

/**
 * Node flags of every service process in production (the Dockerfile sets the same; see
 * serviceNodeFlags for the local stack). A 160 MB
 * old space makes V8 collect before it grows: under the bench's 100,000-answer
 * pipeline each service's peak RSS went from 330–400 MB to 145–216 MB (the live
 * data of a service is far below it). The semi-space is 8 MB: the hot consumers
 * keep a batch alive across its store round trips, so each young collection
 * copies about the same live set whatever its size, and fewer of them cost less.
 * Their collections in the pipeline (`--trace-gc`, three services summed): 18.8 s
 * with 4 MB, 13.8 s with 8 MB, 10.7 s with 16 MB. 16 MB took notifications to a
 * 252 MB peak in a full bench run (the goal is 256); 8 MB to 240.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=160'];

/**
 * A service's Node flags for its NODE_ENV: outside production its stack traces
 * also point at the TypeScript sources (`--enable-source-maps`). Not in
 * production: Node reads and keeps the source map of every module it loads.
 * In the bench's pipeline (alternated `--only pipeline` runs) requests,
 * feedback-store, reporting and notifications peaked about 5-10 MB lower
 * (feedback-store 176-180 MB against 187-189), analytics within its noise
 * (231-243 against 238-240), no slower (27.5-28.7 s against 28.2-29.4). A
 * production trace names the same files and functions in the built
 * JavaScript, which swc leaves readable.
 */
export function serviceNodeFlags(nodeEnv: string | undefined): string[] {
  return nodeEnv === 'production' ? SERVICE_NODE_FLAGS : ['--enable-source-maps', ...SERVICE_NODE_FLAGS];
}

/**
 * Environment of every service process (the Dockerfile sets the same). A
 * service's V8 heap is ~100 MB of its ~220 MB peak RSS: most of the rest is
 * glibc's malloc, which gives each thread (libuv's pool, V8's helpers) an arena
 * of its own that fragments. Two arenas: peak RSS in the bench's pipeline
 * 173-185 MB against 196 for feedback-store, 214-215 against 222 for analytics
 * (two runs with, one without, the same hour), no slower.
 *
 * A fixed mmap threshold: glibc raises it (up to 32 MB) each time a mapped
 * block is freed, so after the first few the consumers' fetched record batches
 * (hundreds of KB each) were carved out of the main arena, whose freed middle
 * is never given back. Fixed at its default of 128 KB, every such block is
 * mapped and unmapped on its own. Analytics' peak RSS in `--only pipeline`
 * runs (alternated, the same hour): 237-240 MB against 242-248, no slower
 * (32.7-33.5 s against 33.1-34.7).
 */
export const SERVICE_PROCESS_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };

/** Starts one service from the build output and waits until its /health says 200. */
export async function startService(
  repoRoot: string,
  profile: StackProfile,
  service: ServiceName,
  env: NodeJS.ProcessEnv = process.env,
  logName: string = service,
): Promise<ManagedProcess> {
  const main = join(repoRoot, 'dist', 'apps', service, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const logFile = join(profile.dataDir, 'logs', `${logName}.log`);
  // SERVICE_NODE_ARGS: extra Node flags for the services only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a bench run).
  const extraArgs = (env.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const serviceEnv: NodeJS.ProcessEnv = { ...SERVICE_PROCESS_ENV, ...serviceEnvironment(profile, service, env) };
  const proc = spawnManaged(logName, process.execPath, [...serviceNodeFlags(serviceEnv.NODE_ENV), '--disable-warning=TimeoutNegativeWarning', ...extraArgs, main], {
    cwd: repoRoot,
    env: serviceEnv,
    logFile,
  });
  await waitFor(`${service} /health`, () => healthy(stackUrls(profile).services[service]), 90_000, { proc });
  return proc;
}

/** Starts everything in dependency order, showing progress; stops what it started if a step fails. */
export async function startStack(repoRoot: string, profile: StackProfile, log: Log): Promise<RunningStack> {
  const started: ManagedProcess[] = [];
  const step = (n: number, text: string) => log(`[${n}/6] ${text}`);
  const external = profile.external;
  try {
    step(1, 'checking prerequisites and ports');
    const servicePorts = Object.fromEntries(SERVICES.map((s) => [s, profile.servicePorts[s]]));
    if (external) await assertPortsFree(servicePorts);
    else {
      checkPrerequisites();
      await assertPortsFree({
        kafka: profile.ports.kafka,
        'kafka controller': profile.ports.kafkaController,
        mongo: profile.ports.mongo,
        smtp: profile.ports.smtp,
        'mail web': profile.ports.mailWeb,
        ...servicePorts,
      });
    }
    if (profile.fresh) rmSync(profile.dataDir, { recursive: true, force: true });
    mkdirSync(profile.dataDir, { recursive: true });

    let infra: ManagedProcess[] = [];
    if (external) {
      step(2, 'no jars needed: the infrastructure runs elsewhere');
      step(3, 'waiting for the external Kafka, MongoDB and MailDev');
      await waitForExternalInfra(external, log);
    } else {
      step(2, 'resolving Kafka and MongoDB-wire jars (Maven, first run only)');
      await ensureJars(repoRoot, log);
      step(3, 'starting Kafka, MongoDB-wire server and MailDev');
      infra = await startLocalInfra(repoRoot, profile, log, started);
    }

    step(4, 'creating topics and dead-letter topics');
    await createTopics([stackUrls(profile).kafkaBrokers], topicsToProvision(), log);

    step(5, `starting ${SERVICES.length} services`);
    const services = await Promise.all(
      SERVICES.map(async (service) => {
        const proc = await startService(repoRoot, profile, service);
        started.push(proc);
        log(`  ${service} healthy on ${stackUrls(profile).services[service]}`);
        return proc;
      }),
    );
    step(6, 'ready');
    // Services first, so their consumers leave their groups while the broker is still up.
    return { profile, urls: stackUrls(profile), processes: [...services, ...infra], stop: () => stopAll([services, infra]) };
  } catch (error) {
    const infraNames = new Set(['kafka', 'mongo', 'maildev']);
    await stopAll([started.filter((p) => !infraNames.has(p.name)), started.filter((p) => infraNames.has(p.name))]).catch(() => undefined);
    throw error;
  }
}

/** Kafka, the MongoDB-wire server and MailDev as local processes (each added to `started` once up): MailDev, the store, the broker. */
async function startLocalInfra(repoRoot: string, profile: StackProfile, log: Log, started: ManagedProcess[]): Promise<ManagedProcess[]> {
  // allSettled: if one fails, the others that did start are still stopped by the caller.
  const infra = await Promise.allSettled([
    startKafka({ repoRoot, dataDir: profile.dataDir, port: profile.ports.kafka, controllerPort: profile.ports.kafkaController, log }),
    startMongo({ repoRoot, dataDir: profile.dataDir, port: profile.ports.mongo, backend: profile.mongoBackend, maxHeap: profile.mongoMaxHeap, log }),
    startMailDev({ repoRoot, dataDir: profile.dataDir, smtpPort: profile.ports.smtp, webPort: profile.ports.mailWeb, log }),
  ]);
  for (const result of infra) if (result.status === 'fulfilled') started.push(result.value);
  const failed = infra.find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const [kafka, mongo, mail] = infra.map((result) => (result as PromiseFulfilledResult<ManagedProcess>).value) as [ManagedProcess, ManagedProcess, ManagedProcess];
  return [mail, mongo, kafka];
}

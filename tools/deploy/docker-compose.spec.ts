// Static checks of the container deployment (docker-compose.yml, Dockerfile,
// .dockerignore) against DESIGN.md 3 / 3.4 and the topic registry, so the stack
// cannot drift from the code without a failing test. No Docker engine needed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { topicsToProvision } from '@feedback/contracts';
import { platformEnvShape } from '@feedback/config';
import { COMPOSE_INFRA, smtpAddress } from '../stack/external-infra.ts';
import { SERVICE_PROCESS_ENV, serviceNodeFlags } from '../stack/stack.ts';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

// ---- compose file model (only what is checked) ----

type Scalar = string | number | boolean | null;

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, Scalar> | string[] };
  environment?: Record<string, Scalar> | string[];
  ports?: (string | number | { target: number; published?: string | number; host_ip?: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  entrypoint?: string | string[];
  command?: string | string[];
  restart?: string;
  volumes?: (string | { type?: string; source?: string; target: string })[];
}

interface ComposeFile {
  version?: unknown;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

// merge: compose resolves YAML merge keys (`<<: *anchor`), so the test must too.
const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** Environment as a map of strings, whichever of the two compose syntaxes is used. */
function environment(name: string): Record<string, string> {
  const env = service(name).environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        return eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

function buildArgs(name: string): Record<string, string> {
  const build = service(name).build;
  if (typeof build !== 'object') return {};
  const args = build.args ?? {};
  if (Array.isArray(args)) return Object.fromEntries(args.map((entry) => entry.split(/=(.*)/s).slice(0, 2)));
  return Object.fromEntries(Object.entries(args).map(([key, value]) => [key, String(value)]));
}

function dependencies(name: string): Record<string, string> {
  const deps = service(name).depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((dep) => [dep, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([dep, spec]) => [dep, spec.condition ?? 'service_started']));
}

/** Published ports as `host:container` (host IP dropped). */
function portMappings(name: string): string[] {
  return (service(name).ports ?? []).map((port) => {
    if (typeof port === 'object') return `${port.published ?? ''}:${port.target}`;
    const parts = String(port).split(':');
    return parts.slice(-2).join(':');
  });
}

function healthcheckCommand(name: string): string {
  const check = service(name).healthcheck;
  expect(check).toBeDefined();
  expect(check?.disable).not.toBe(true);
  const test = check?.test;
  if (Array.isArray(test)) {
    expect(['CMD', 'CMD-SHELL']).toContain(test[0]);
    return test.slice(1).join(' ');
  }
  expect(typeof test).toBe('string');
  return String(test);
}

/** Named volume (declared at the top level) mounted at `target`, or undefined. */
function namedVolumeAt(name: string, target: string): string | undefined {
  for (const volume of service(name).volumes ?? []) {
    const [source, mountedAt] = typeof volume === 'string' ? volume.split(':') : [volume.source, volume.target];
    if (mountedAt === target && source && compose.volumes && source in compose.volumes) return source;
  }
  return undefined;
}

/** The text of a one-shot container's script (`entrypoint` + `command`). */
function script(name: string): string {
  const { entrypoint, command } = service(name);
  return [entrypoint, command].flat().filter((part): part is string => typeof part === 'string').join('\n');
}

// ---- expectations from DESIGN.md ----

/** DESIGN.md 3: services and their HTTP ports. */
const SERVICES: Record<string, number> = {
  requests: 3001,
  'feedback-store': 3002,
  reporting: 3003,
  analytics: 3004,
  notifications: 3005,
};
const serviceNames = Object.keys(SERVICES);

/** DESIGN.md 3.4 variables, plus the per-process ones every service reads. */
const DESIGN_VARIABLES = [
  'KAFKA_BROKERS',
  'KAFKA_GROUP_ID',
  'MONGO_URL',
  'MONGO_DB_PREFIX',
  'SMTP_URL',
  'MAIL_FROM',
  'PUBLIC_BASE_URL',
  'DOCUMENTATION_BASE_URL',
  'EXPIRY_SWEEP_INTERVAL',
  'AUTH_JWT_SECRET',
  'INFO_REQUEST_WINDOW',
  'FEEDBACK_REQUEST_WINDOW',
  'DOCUMENTATION_WINDOW',
  'DISCLOSURE_RETENTION',
  'ANALYTICS_MIN_GROUP_SIZE',
  'ANALYTICS_NOISE_EPSILON',
  'PII_ENCRYPTION_KEYS',
  'RESPONDENT_LINK_SECRET',
  'PORT',
  'NODE_ENV',
  'LOG_LEVEL',
];

/** Wired to the stack itself, not taken from the operator's environment. */
const FIXED = ['KAFKA_BROKERS', 'MONGO_URL', 'SMTP_URL', 'NODE_ENV', 'PORT'];
/** Production refuses the public dev values, so compose must insist on these. */
const REQUIRED_SECRETS = ['AUTH_JWT_SECRET', 'PII_ENCRYPTION_KEYS'];

/** `host:port` of a URL or bare address. */
function hostAndPort(address: string): { host: string; port: string } {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return { host: url.hostname, port: url.port };
}

describe('docker-compose.yml', () => {
  it('is a compose-spec file (no obsolete version key) with the five services', () => {
    expect(compose.version).toBeUndefined();
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(serviceNames));
  });

  it.each(serviceNames)('builds %s from the one Dockerfile with its SERVICE arg', (name) => {
    const svc = service(name);
    expect(svc.image).toBeUndefined();
    expect(svc.build).toMatchObject({ context: '.', dockerfile: 'Dockerfile' });
    expect(buildArgs(name).SERVICE).toBe(name);
    // the arg names a real app, whose compiled entry point the image runs
    expect(existsSync(join(root, 'apps', name, 'src', 'main.ts'))).toBe(true);
  });

  it.each(serviceNames)('serves %s on its DESIGN.md port', (name) => {
    const port = String(SERVICES[name]);
    expect(portMappings(name)).toEqual([`${port}:${port}`]);
    expect(environment(name).PORT).toBe(port);
    const arg = buildArgs(name).PORT;
    if (arg !== undefined) expect(arg).toBe(port);
  });

  it.each(serviceNames)('health-checks %s on GET /health of its own port and restarts it', (name) => {
    const command = healthcheckCommand(name);
    expect(command).toContain('127.0.0.1:');
    expect(command).toContain('process.env.PORT');
    expect(command).toContain('/health');
    expect(service(name).restart).toBe('unless-stopped');
  });

  it.each(serviceNames)('starts %s after Kafka and Mongo are healthy and the topics exist', (name) => {
    expect(dependencies(name)).toEqual({
      kafka: 'service_healthy',
      mongo: 'service_healthy',
      maildev: 'service_started',
      'kafka-init': 'service_completed_successfully',
    });
  });

  it.each(serviceNames)('wires every DESIGN.md 3.4 variable into %s', (name) => {
    const env = environment(name);
    // DESIGN.md's list, and whatever the config schema reads (so a new setting cannot be forgotten)
    const expected = new Set([...DESIGN_VARIABLES, ...Object.keys(platformEnvShape)]);
    expect(Object.keys(env).sort()).toEqual(expect.arrayContaining([...expected].sort()));

    expect(env.NODE_ENV).toBe('production');
    // the rest can be set by the operator: each one interpolates the variable of its own name
    for (const key of expected) {
      if (FIXED.includes(key)) continue;
      expect({ key, value: env[key] }).toEqual({ key, value: expect.stringMatching(new RegExp(`^\\$\\{${key}(:?[-?][^}]*)?\\}$`)) });
    }
  });

  it.each(serviceNames)('requires AUTH_JWT_SECRET and PII_ENCRYPTION_KEYS from the environment for %s', (name) => {
    const env = environment(name);
    for (const key of REQUIRED_SECRETS) {
      // ${VAR:?message}: compose refuses to start without it; no dev default can slip through
      expect({ key, value: env[key] }).toEqual({ key, value: expect.stringMatching(new RegExp(`^\\$\\{${key}:\\?[^}]+\\}$`)) });
    }
  });

  it.each(serviceNames)('points %s at the kafka, mongo and maildev services', (name) => {
    const env = environment(name);
    const brokers = env.KAFKA_BROKERS.split(',').map((b) => hostAndPort(b.trim()));
    expect(brokers).toEqual([{ host: 'kafka', port: '9092' }]);
    expect(env.MONGO_URL).toMatch(/^mongodb:\/\//);
    expect(hostAndPort(env.MONGO_URL)).toEqual({ host: 'mongo', port: '27017' });
    expect(env.SMTP_URL).toMatch(/^smtp:\/\//);
    expect(hostAndPort(env.SMTP_URL)).toEqual({ host: 'maildev', port: '1025' });
    // e-mailed links default to the host-mapped ports of the services that serve them
    expect(env.PUBLIC_BASE_URL).toBe(`\${PUBLIC_BASE_URL:-http://localhost:${SERVICES.requests}}`);
    expect(env.DOCUMENTATION_BASE_URL).toBe(`\${DOCUMENTATION_BASE_URL:-http://localhost:${SERVICES.reporting}}`);
  });

  it('runs Kafka from the official image in single-node KRaft mode with auto topic creation off', () => {
    const kafka = service('kafka');
    expect(kafka.image).toMatch(/^apache\/kafka:\d+\.\d+\.\d+$/);
    const env = environment('kafka');
    expect(env.KAFKA_PROCESS_ROLES.split(',').sort()).toEqual(['broker', 'controller']);
    expect(env.KAFKA_ZOOKEEPER_CONNECT).toBeUndefined();
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${env.KAFKA_NODE_ID}@localhost:9093`);
    expect(env.KAFKA_LISTENERS.split(',')).toContain(`${env.KAFKA_CONTROLLER_LISTENER_NAMES}://:9093`);
    // CLUSTER_ID must be a base64url-encoded 16-byte UUID or storage formatting fails
    expect(Buffer.from(env.CLUSTER_ID, 'base64url')).toHaveLength(16);
    expect(env.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // services reach it by its compose name
    expect(env.KAFKA_ADVERTISED_LISTENERS.split(',')).toContain('PLAINTEXT://kafka:9092');
    expect(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
    expect(env.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe('1');
    expect(env.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR).toBe('1');
    expect(healthcheckCommand('kafka')).toBe('/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092');
    // data survives restarts: the log dir is a named volume
    expect(namedVolumeAt('kafka', env.KAFKA_LOG_DIRS)).toBeDefined();
  });

  it('creates every topic of the registry and its dead-letter topic in kafka-init', () => {
    const init = service('kafka-init');
    expect(init.image).toBe(service('kafka').image);
    expect(dependencies('kafka-init')).toEqual({ kafka: 'service_healthy' });
    expect(init.restart ?? 'no').toBe('no');

    const text = script('kafka-init');
    // one helper does the creating, idempotently, against the compose broker
    const helper = /create\(\)\s*\{([^}]*)\}/.exec(text)?.[1] ?? '';
    expect(helper).toContain('/opt/kafka/bin/kafka-topics.sh --bootstrap-server kafka:9092 --create --if-not-exists');
    expect(helper).toContain('--topic "$$1" --partitions "$$2"');
    expect(helper).toContain('$${3:+--config "$$3"'); // (the capture above ends at the first brace)
    // `$$` is compose's escape for `$`; a lone `$` would be interpolated (wrongly) by compose
    expect(text.replaceAll('$$', '')).not.toContain('$');

    // `create <topic> <partitions> [name=value]`: the optional third word is a topic-level config.
    const created = [...text.matchAll(/^\s*create ([\w.-]+) (\d+)(?: ([\w.]+)=(\S+))?\s*$/gm)].map(([, topic, partitions, key, value]) =>
      key ? { name: topic, partitions: Number(partitions), config: { [key]: value } } : { name: topic, partitions: Number(partitions) },
    );
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(created.sort(byName)).toEqual(topicsToProvision().sort(byName));
    expect(created.filter((t) => t.name.endsWith('.dlq'))).toHaveLength(9);
  });

  it('runs MongoDB 7 and the SMTP catcher the services point at', () => {
    expect(service('mongo').image).toBe('mongo:7');
    expect(healthcheckCommand('mongo')).toBe(`mongosh --quiet --eval db.adminCommand('ping').ok`);
    expect(namedVolumeAt('mongo', '/data/db')).toBeDefined();
    expect(service('maildev').image).toMatch(/^maildev\/maildev(:|$)/);
    expect(environment('maildev').MAILDEV_SMTP_PORT ?? '1025').toBe('1025');
  });
});

describe('docker-compose.bench.yml (the infrastructure on the host, for `npm run bench -- --infra external`)', () => {
  const override = parse(read('docker-compose.bench.yml')) as ComposeFile;
  /** Published `host:container` ports of a service once the override is applied (compose appends port lists). */
  const published = (name: string): string[] => [
    ...portMappings(name),
    ...(override.services[name]?.ports ?? []).map((port) => String(port).split(':').slice(-2).join(':')),
  ];
  const portOf = (address: string) => Number(new URL(address.includes('://') ? address : `tcp://${address}`).port);

  it('only publishes ports of infrastructure services that docker-compose.yml defines', () => {
    for (const [name, spec] of Object.entries(override.services)) {
      expect(compose.services[name]).toBeDefined();
      expect(['kafka', 'mongo', 'maildev']).toContain(name);
      expect(Object.keys(spec)).toEqual(['ports']);
      for (const port of spec.ports ?? []) expect(String(port)).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it("publishes each at the address the bench's external mode expects by default (COMPOSE_INFRA)", () => {
    const kafkaPort = portOf(COMPOSE_INFRA.kafkaBrokers);
    expect(published('kafka')).toContain(`${kafkaPort}:${kafkaPort}`);
    expect(environment('kafka').KAFKA_ADVERTISED_LISTENERS).toContain(`HOST://localhost:${kafkaPort}`);
    expect(published('mongo')).toContain(`${portOf(COMPOSE_INFRA.mongoUrl)}:27017`);
    expect(published('maildev')).toContain(`${smtpAddress(COMPOSE_INFRA.smtpUrl).port}:${environment('maildev').MAILDEV_SMTP_PORT}`);
    expect(published('maildev')).toContain(`${portOf(COMPOSE_INFRA.mailWebUrl)}:${environment('maildev').MAILDEV_WEB_PORT}`);
  });
});

// ---- Dockerfile ----

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions, comments dropped and `\` continuations joined, grouped by stage. */
function dockerfileStages(text: string): Instruction[][] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const stages: Instruction[][] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args };
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

describe('Dockerfile', () => {
  const stages = dockerfileStages(read('Dockerfile'));
  const runtime = stages.at(-1) ?? [];
  const find = (stage: Instruction[], keyword: string) => stage.filter((i) => i.keyword === keyword);

  it('is multi-stage: a build stage with dev dependencies and a Node 24 runtime stage', () => {
    expect(stages.map((stage) => stage[0]?.args)).toEqual(['node:24-bookworm-slim AS build', 'node:24-bookworm-slim AS runtime']);
    const build = stages[0] ?? [];
    expect(find(build, 'RUN').map((i) => i.args).join('\n')).toMatch(/npm ci\b(?![^\n]*--omit=dev)/);
    expect(find(build, 'RUN').map((i) => i.args)).toContain('npm run build');
  });

  it('installs production dependencies only and copies the compiled dist/ into the runtime', () => {
    const runs = find(runtime, 'RUN').map((i) => i.args).join('\n');
    expect(runs).toMatch(/npm ci [^\n]*--omit=dev/);
    expect(find(runtime, 'COPY').map((i) => i.args)).toContain('--from=build /app/dist ./dist');
    expect(find(runtime, 'ENV').map((i) => i.args).join(' ')).toMatch(/\bNODE_ENV=production\b/);
    // the build script writes where the image looks
    expect(JSON.parse(read('package.json')).scripts.build).toMatch(/ -d dist\b/);
  });

  it('runs one service chosen by the SERVICE build arg from dist/apps/', () => {
    expect(find(runtime, 'ARG').map((i) => i.args)).toContain('SERVICE');
    expect(find(runtime, 'ENV').map((i) => i.args).join(' ')).toMatch(/\bSERVICE=\$\{?SERVICE\}?/);
    expect(find(runtime, 'CMD').map((i) => i.args)).toEqual(['["sh", "-c", "exec node dist/apps/$SERVICE/src/main.js"]']);
  });

  it('runs as the unprivileged node user', () => {
    const users = find(runtime, 'USER').map((i) => i.args);
    expect(users.at(-1)).toBe('node');
    // nothing after the last USER switches back to root
    const lastUser = runtime.findIndex((i) => i.keyword === 'USER' && i.args === 'node');
    expect(runtime.slice(lastUser + 1).filter((i) => i.keyword === 'USER')).toEqual([]);
  });

  it('runs a service with the Node flags and environment of the local stack in production (the bench measures those)', () => {
    const env = find(runtime, 'ENV').map((i) => i.args).join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(env).toContain(`NODE_OPTIONS="${serviceNodeFlags('production').join(' ')}"`);
    for (const [name, value] of Object.entries(SERVICE_PROCESS_ENV)) expect(env).toMatch(new RegExp(`\\b${name}=${value}\\b`));
  });

  it('maps stack traces to the TypeScript sources outside production only (source maps cost memory)', () => {
    expect(serviceNodeFlags('production')).not.toContain('--enable-source-maps');
    for (const nodeEnv of [undefined, 'development', 'test']) expect(serviceNodeFlags(nodeEnv)).toEqual(['--enable-source-maps', ...serviceNodeFlags('production')]);
  });

  it('health-checks GET /health on the service port and exposes it', () => {
    const checks = find(runtime, 'HEALTHCHECK').map((i) => i.args);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatch(/CMD \["node", "-e", ".*fetch\('http:\/\/127\.0\.0\.1:' \+ process\.env\.PORT \+ '\/health'\)/);
    expect(find(runtime, 'EXPOSE').map((i) => i.args)).toEqual(['${PORT}']);
  });
});

describe('.dockerignore', () => {
  const ignored = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('keeps local installs, build output, local data and secrets out of the build context', () => {
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.local', '.git', 'coverage', 'e2e/artifacts', '.env']));
  });
});

// Local infrastructure for the dev stack, as REAL processes and without Docker:
//   - Kafka 3.9.1 broker (KRaft, one node acting as broker + controller),
//     jars resolved by Maven from infra/local/kafka/pom.xml
//   - a MongoDB-wire server (mongo-java-server 1.47.0 through
//     infra/local/mongo/MongoWireServer.java, memory or on-disk h2 backend)
//   - MailDev 3 from node_modules (SMTP catcher + web inbox + REST API)
//
// API (no side effects at import time; Node runs it with type stripping, jest
// through @swc/jest, so: erasable TypeScript only, `.ts` relative imports):
//   checkPrerequisites({maven?})       throws, saying what to apt-get install
//   assertPortsFree(ports, hints?)     one message naming every busy port
//   ensureJars(repoRoot, log)          Maven only when a pom changed (hash marker)
//   startKafka / startMongo / startMailDev(opts) -> ManagedProcess, resolved once
//                                      a real client (kafkajs / mongodb / HTTP) works
//   createTopics(brokers, topics, log) idempotent
//   kafkaReady / mongoReady / mailInboxReady   probes, also of infrastructure started elsewhere
//   waitFor(what, probe, timeoutMs, {proc?, logFile?})
//   stopAll(procs), liveProcesses(), tailFile(file), logExcerpt(file)   (infra-process.ts)
//
// Layout under dataDir: logs/<name>.log, kafka/ (server.properties,
// log4j.properties, cluster-id, data/), mongo/ (h2 file), maildev/ (mail).
//
// MailDev 3 REST routes (all under /api, JSON; checked against @maildev/api 3.0.0):
//   GET    /api/healthz               -> true (no auth, used as readiness probe)
//   GET    /api/email                 every message, arrival order; query filters
//                                     by field (e.g. ?to.address=a@b), ?sort=asc|desc
//   GET    /api/email/summary         paginated {items,total,...} (?skip,&limit,&search)
//   GET    /api/email/:id             one message {id, subject, from[], to[], text, html, headers, ...}
//   GET    /api/email/:id/html | /source | /download | /attachment/:filename
//   DELETE /api/email/:id             DELETE /api/email/all     PATCH /api/email/read-all
//   (the web inbox itself is served at /)

import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { logExcerpt, spawnManaged, waitFor } from './infra-process.ts';
import type { ManagedProcess } from './infra-process.ts';

export { assertPortsFree, liveProcesses, logExcerpt, spawnManaged, stopAll, tailFile, waitFor } from './infra-process.ts';
export type { ManagedProcess, WaitForOptions } from './infra-process.ts';

export type Log = (line: string) => void;

export interface InfraPorts {
  kafka: number;
  kafkaController: number;
  mongo: number;
  smtp: number;
  mailWeb: number;
}

/** DESIGN.md section 3 defaults (the controller port is ours: next to 9092). */
export const DEFAULT_PORTS: InfraPorts = { kafka: 9092, kafkaController: 9093, mongo: 27017, smtp: 1025, mailWeb: 1080 };

const HOST = '127.0.0.1';

// ---------------------------------------------------------------- prerequisites

function javaBin(): string {
  const home = process.env.JAVA_HOME;
  return home && existsSync(join(home, 'bin', 'java')) ? join(home, 'bin', 'java') : 'java';
}

/**
 * Throws one Error naming what to install. Java must be a JDK, not a JRE: the
 * Mongo launcher runs in single-file source mode, which needs jdk.compiler.
 */
export function checkPrerequisites(o: { maven?: boolean } = {}): void {
  const install = 'install it with `apt-get install -y openjdk-17-jdk-headless`';
  const v = spawnSync(javaBin(), ['-version'], { encoding: 'utf8' });
  if (v.error || v.status !== 0) throw new Error(`Java 17+ not found: ${install}`);
  const m = /version "(\d+)(?:\.(\d+))?/.exec(v.stderr + v.stdout);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : 0;
  if (major < 17) throw new Error(`Java 17+ required, found ${m ? m[0] : 'an unknown version'}: ${install}`);
  const mods = spawnSync(javaBin(), ['--list-modules'], { encoding: 'utf8' });
  if (!/^jdk\.compiler@/m.test(mods.stdout ?? '')) {
    throw new Error(`a Java JDK is needed, but only a JRE was found (no jdk.compiler module): ${install}`);
  }
  if (o.maven !== false) checkMaven();
}

function checkMaven(): void {
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error || mvn.status !== 0) {
    throw new Error('Maven not found (needed to fetch the Kafka and Mongo jars): install it with `apt-get install -y maven`');
  }
}

// ------------------------------------------------------------------------ jars

export interface JarDirs {
  kafka: string;
  mongo: string;
}

export function jarDirs(repoRoot: string): JarDirs {
  return { kafka: join(repoRoot, '.local', 'jars', 'kafka'), mongo: join(repoRoot, '.local', 'jars', 'mongo') };
}

/**
 * Copies each pom's runtime classpath into .local/jars/<name>, but only when
 * the pom's hash differs from the marker left by the last successful run (so
 * normal starts never touch Maven). Resolves into a temp dir and renames, so
 * an interrupted run never leaves a half-filled classpath behind.
 */
export async function ensureJars(repoRoot: string, log: Log): Promise<JarDirs> {
  const dirs = jarDirs(repoRoot);
  for (const name of ['kafka', 'mongo'] as const) {
    const pom = join(repoRoot, 'infra', 'local', name, 'pom.xml');
    const hash = createHash('sha256').update(readFileSync(pom)).digest('hex');
    const marker = join(dirs[name], '.pom-sha256');
    if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === hash) continue;
    await resolveWithMaven(name, pom, dirs[name], hash, log);
  }
  return dirs;
}

async function resolveWithMaven(name: string, pom: string, dir: string, hash: string, log: Log): Promise<void> {
  checkMaven();
  const started = Date.now();
  // per process: a dev stack and a test stack may both do their first start at once
  const tmp = `${dir}.tmp-${process.pid}`;
  const mvnLog = `${dir}.mvn.log`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(mvnLog, '');
  log(`${name}: resolving jars with Maven (first run or ${pom} changed; log: ${mvnLog})`);
  const mvn = spawnManaged(
    `mvn-${name}`,
    'mvn',
    ['-B', '-Dstyle.color=never', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`, '-Dmdep.includeScope=runtime'],
    { logFile: mvnLog },
  );
  // progress: Maven prints one "Downloaded from" line per file fetched
  const ticker = setInterval(() => {
    const n = (readFileSync(mvnLog, 'utf8').match(/^\[INFO\] Downloaded from /gm) ?? []).length;
    log(`${name}: resolving jars... ${n} files downloaded, ${Math.round((Date.now() - started) / 1000)} s`);
  }, 3000);
  const code = await mvn.exited.finally(() => clearInterval(ticker));
  if (code !== 0) {
    throw new Error(
      `Maven could not resolve the ${name} jars (exit ${code}). The package registry must be reachable, ` +
        `or ~/.m2 must already hold the artifacts. From ${mvnLog}:\n${logExcerpt(mvnLog)}`,
    );
  }
  const marker = join(tmp, '.pom-sha256');
  writeFileSync(marker, `${hash}\n`);
  if (existsSync(join(dir, '.pom-sha256')) && readFileSync(join(dir, '.pom-sha256'), 'utf8').trim() === hash) {
    rmSync(tmp, { recursive: true, force: true }); // the other process won the race: keep its copy
  } else {
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  const jars = readdirSync(dir).filter((f) => f.endsWith('.jar')).length;
  log(`${name}: ${jars} jars in ${dir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function requireJars(dir: string): void {
  if (!existsSync(join(dir, '.pom-sha256'))) {
    throw new Error(`no jars in ${dir}: call ensureJars(repoRoot, log) first`);
  }
}

// ----------------------------------------------------------------------- kafka

export interface KafkaOptions {
  repoRoot: string;
  dataDir: string;
  port: number;
  controllerPort: number;
  log: Log;
  /** default 120 s: a cold JVM on 2 busy cores can be slow */
  timeoutMs?: number;
  /** replaces KAFKA_JVM (heap and GC flags) */
  jvmOpts?: string[];
  /** application class-data sharing (default true), see kafkaCds */
  cds?: boolean;
}

// Measured on the 2-core dev machine, ms from spawn to "kafkajs lists topics"
// (fresh data dir incl. storage format / restart), 3-4 runs each:
//   Kafka's own defaults (G1 ...)              2400-2700 / 1800-2050
//   serial GC + C1 only (KAFKA_JVM)            2000-2300 / 1500-1800
//   the same + AppCDS archive (kafkaCds)       1100-1900 /  770-1300
// Throughput with C1 only stays far above what local development needs.
const KAFKA_JVM = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Xshare:auto',
  '-Djava.awt.headless=true',
];

let javaId: string | undefined;
/** Short hash of `java -version`: a CDS archive only fits the JVM that wrote it. */
function javaFingerprint(): string {
  javaId ??= createHash('sha256')
    .update(spawnSync(javaBin(), ['-version'], { encoding: 'utf8' }).stderr ?? '')
    .digest('hex')
    .slice(0, 12);
  return javaId;
}

interface Cds {
  flags: string[];
  /** set while dumping: call with the broker's exit code */
  after?: (code: number | null) => void;
}


/**
 * Application class-data sharing cuts Kafka's start-up by a third to a half: the first broker
 * start dumps the classes it loaded (-XX:ArchiveClassesAtExit, written when the
 * JVM exits cleanly; costs ~1 s at start and ~1.5 s at stop, once), later starts
 * map them (-XX:SharedArchiveFile). The archive lives in the jars dir, so
 * re-resolving the jars drops it, and its name carries the JVM's fingerprint.
 * -Xshare:auto makes a stale or unreadable archive a no-op, never an error.
 */
function kafkaCds(jars: string): Cds {
  const file = join(jars, `.cds-${javaFingerprint()}.jsa`);
  if (existsSync(file)) return { flags: [`-XX:SharedArchiveFile=${file}`] };
  // unique: two stacks may be doing their first start at the same time
  const tmp = `${file}.${process.pid}-${Date.now()}.tmp`;
  return {
    flags: [`-XX:ArchiveClassesAtExit=${tmp}`],
    // only a broker that ran and was stopped (exit 0, or 143/130 after
    // SIGTERM/SIGINT) wrote a complete archive; not one that crashed at start
    after: (code) => {
      if ((code === 0 || code === 143 || code === 130) && existsSync(tmp)) renameSync(tmp, file);
      else rmSync(tmp, { force: true });
    },
  };
}

/** Kafka wants a base64url 16-byte id; one starting with '-' confuses CLI parsing, so Kafka avoids it too. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function kafkaServerProperties(dataDir: string, port: number, controllerPort: number): string {
  return `# generated by tools/stack/infra.ts on every start: edit that file, not this one
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${controllerPort}
listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}
advertised.listeners=PLAINTEXT://${HOST}:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${join(dataDir, 'data')}

# topics are created explicitly by the stack (createTopics): a typo must fail, not create a topic
auto.create.topics.enable=false
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
group.initial.rebalance.delay.ms=0

# a single node on a 2-core machine: few threads, small buffers
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
num.replica.fetchers=1
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=8388608
socket.send.buffer.bytes=102400
socket.receive.buffer.bytes=102400

# dev data: small segments, a week of retention, no preallocation
log.segment.bytes=67108864
log.retention.hours=168
log.retention.check.interval.ms=300000
delete.topic.enable=true
`;
}

const KAFKA_LOG4J = `# generated by tools/stack/infra.ts: everything goes to stdout, which is the log file
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.common.config.AbstractConfig=WARN
`;

// Probes must fail fast (waitFor retries them); provisioning may wait longer.
function kafkaClient(brokers: string[], clientId: string, patient = false): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: patient ? 5000 : 1000,
    requestTimeout: patient ? 40_000 : 5000,
    retry: { retries: patient ? 5 : 0 },
  });
}

/** True when a kafkajs admin can connect and list topics. */
export async function kafkaReady(brokers: string[]): Promise<boolean> {
  const admin = kafkaClient(brokers, 'stack-probe').admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function startKafka(o: KafkaOptions): Promise<ManagedProcess> {
  const jars = jarDirs(o.repoRoot).kafka;
  requireJars(jars);
  const dir = join(o.dataDir, 'kafka');
  const logFile = join(o.dataDir, 'logs', 'kafka.log');
  mkdirSync(join(dir, 'data'), { recursive: true });
  const props = join(dir, 'server.properties');
  writeFileSync(props, kafkaServerProperties(dir, o.port, o.controllerPort));
  writeFileSync(join(dir, 'log4j.properties'), KAFKA_LOG4J);
  const jvm = [
    ...(o.jvmOpts ?? KAFKA_JVM),
    `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`,
    `-Dkafka.logs.dir=${join(o.dataDir, 'logs')}`,
    '-cp',
    `${jars}/*`,
  ];
  const cds: Cds = o.cds === false ? { flags: [] } : kafkaCds(jars);

  // KRaft refuses to start on an unformatted log dir; format once and keep the id
  if (!existsSync(join(dir, 'data', 'meta.properties'))) {
    const idFile = join(dir, 'cluster-id');
    if (!existsSync(idFile)) writeFileSync(idFile, `${newClusterId()}\n`);
    const clusterId = readFileSync(idFile, 'utf8').trim();
    o.log(`kafka: formatting storage in ${join(dir, 'data')} (cluster id ${clusterId})`);
    const fmt = spawnManaged(
      'kafka-storage-format',
      javaBin(),
      [...jvm, ...(cds.after ? [] : cds.flags), 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props, '--ignore-formatted'],
      { logFile },
    );
    const code = await fmt.exited;
    if (code !== 0) {
      throw new Error(`kafka storage format failed (exit ${code}). From ${logFile}:\n${logExcerpt(logFile, fmt.logStart)}`);
    }
  }

  o.log(`kafka: starting broker on ${HOST}:${o.port} (controller ${o.controllerPort}; log ${logFile})`);
  const proc = spawnManaged('kafka', javaBin(), [...jvm, ...cds.flags, 'kafka.Kafka', props], { logFile });
  if (cds.after) void proc.exited.then(cds.after);
  const brokers = [`${HOST}:${o.port}`];
  try {
    await waitFor(`Kafka on ${brokers[0]}`, () => kafkaReady(brokers), o.timeoutMs ?? 120_000, { proc });
  } catch (err) {
    await proc.stop(5000);
    throw err;
  }
  return proc;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** topic-level configs, e.g. { 'retention.ms': '86400000' } */
  config?: Record<string, string>;
}

/**
 * Creates the topics that do not exist yet; existing ones are left as they are
 * (kafkajs also treats "already exists" as success, so two stacks racing is fine).
 */
export async function createTopics(brokers: string[], topics: TopicSpec[], log: Log): Promise<void> {
  const admin = kafkaClient(brokers, 'stack-topics', true).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    const present = topics.filter((t) => existing.has(t.name));
    if (present.length > 0) {
      const meta = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
      for (const t of present) {
        const have = meta.topics.find((m) => m.name === t.name)?.partitions.length ?? 0;
        if (have < t.partitions) log(`kafka: topic ${t.name} has ${have} partitions, wanted ${t.partitions} (left as is)`);
      }
    }
    if (missing.length === 0) return;
    const created = await admin.createTopics({
      waitForLeaders: true,
      timeout: 30_000,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: 1,
        configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    // false: another caller created them between our list and our create
    if (created) log(`kafka: created ${missing.length} topic(s): ${missing.map((t) => t.name).join(', ')}`);
  } finally {
    await admin.disconnect();
  }
}

// ----------------------------------------------------------------------- mongo

export interface MongoOptions {
  repoRoot: string;
  dataDir: string;
  port: number;
  /** h2 keeps data in a file under dataDir/mongo; memory loses it on stop */
  backend: 'h2' | 'memory';
  /** h2 file, default <dataDir>/mongo/db.mv */
  file?: string;
  /** JVM -Xmx (default and minimum 1g); the memory backend keeps every document on the heap, so big loads need more */
  maxHeap?: string;
  log: Log;
  timeoutMs?: number;
}

/** True when a MongoDB driver can select the server and run ping. */
export async function mongoReady(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** The store JVM's initial heap, also its maximum unless a profile asks for more (startMongo). */
const STORE_INITIAL_HEAP = '1g';

export async function startMongo(o: MongoOptions): Promise<ManagedProcess> {
  const jars = jarDirs(o.repoRoot).mongo;
  requireJars(jars);
  const logFile = join(o.dataDir, 'logs', 'mongo.log');
  const args = [
    // The memory backend keeps every document on the heap. The heap starts at 1 GB (pages are only
    // touched as used): grown from 64 MB, each growth of the old generation was a full collection of
    // 0.1-0.36 s, a stall of every service at once (the latency bench's joint spikes of both sinks;
    // measured with jstat during `npm run bench -- --only analytics-small,latency`). The young
    // generation keeps the default third of the heap: fixed at 128 MB its collections were shorter
    // (30-50 ms, not ~90) but, under a million stored events, frequent enough to double the
    // dashboard's median read time.
    `-Xms${STORE_INITIAL_HEAP}`,
    `-Xmx${o.maxHeap ?? STORE_INITIAL_HEAP}`,
    '-XX:+UseSerialGC',
    // STORE_JFR: a file for a Java Flight Recorder profile of the store, written when it stops (to profile a bench run).
    ...(process.env.STORE_JFR ? [`-XX:StartFlightRecording=filename=${process.env.STORE_JFR},settings=profile,dumponexit=true`] : []),
    // STORE_JAVA_ARGS: extra JVM flags for the store, after the ones above (e.g. `-Xlog:gc`, to study a bench run).
    ...(process.env.STORE_JAVA_ARGS ?? '').split(' ').filter(Boolean),
    '-Xshare:auto',
    '-cp',
    `${jars}/*`,
    join(o.repoRoot, 'infra', 'local', 'mongo', 'MongoWireServer.java'),
    '--host',
    HOST,
    '--port',
    String(o.port),
    '--backend',
    o.backend,
  ];
  if (o.backend === 'h2') {
    const file = o.file ?? join(o.dataDir, 'mongo', 'db.mv');
    mkdirSync(join(file, '..'), { recursive: true });
    args.push('--file', file);
  }
  o.log(`mongo: starting MongoDB-wire server on ${HOST}:${o.port} (${o.backend}; log ${logFile})`);
  const proc = spawnManaged('mongo', javaBin(), args, { logFile });
  const uri = `mongodb://${HOST}:${o.port}/?directConnection=true`;
  try {
    await waitFor(`MongoDB-wire server on ${HOST}:${o.port}`, () => mongoReady(uri), o.timeoutMs ?? 60_000, { proc });
  } catch (err) {
    await proc.stop(5000);
    throw err;
  }
  return proc;
}

// --------------------------------------------------------------------- maildev

export interface MailDevOptions {
  repoRoot: string;
  dataDir: string;
  smtpPort: number;
  webPort: number;
  log: Log;
  timeoutMs?: number;
}

function tcpOpen(port: number, host = HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host });
    s.setTimeout(1000);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

export function mailDevReady(smtpPort: number, webPort: number): Promise<boolean> {
  return mailInboxReady({ host: HOST, port: smtpPort }, `http://${HOST}:${webPort}`);
}

/** True when a MailDev anywhere answers its health route and accepts SMTP connections. */
export async function mailInboxReady(smtp: { host: string; port: number }, webUrl: string): Promise<boolean> {
  const res = await fetch(`${webUrl}/api/healthz`, { signal: AbortSignal.timeout(1000) });
  return res.ok && (await tcpOpen(smtp.port, smtp.host));
}

/**
 * MailDev's CLI (maildev 3.0.0, dist/bin/maildev.js): --smtp, --ip (SMTP bind),
 * --web, --web-ip, --mail-directory, --config. Nothing in it calls out to the
 * internet unless --outgoing-host / --auto-relay are given, and we never give
 * them. We pass --config with an empty file because MailDev otherwise searches
 * the cwd and all its parents for a config file, and strip MAILDEV_* variables,
 * so only these flags decide.
 */
export async function startMailDev(o: MailDevOptions): Promise<ManagedProcess> {
  const cli = join(o.repoRoot, 'node_modules', 'maildev', 'dist', 'bin', 'maildev.js');
  if (!existsSync(cli)) throw new Error(`MailDev not found at ${cli}: run \`npm ci\` in ${o.repoRoot}`);
  const dir = join(o.dataDir, 'maildev');
  const mailDir = join(dir, 'mail');
  mkdirSync(mailDir, { recursive: true });
  const config = join(dir, 'maildev.json');
  writeFileSync(config, '{}\n');
  // the repo's pinned Node (devDependency "node") when there, else whatever runs us
  const localNode = join(o.repoRoot, 'node_modules', '.bin', 'node');
  const node = existsSync(localNode) ? localNode : process.execPath;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MAILDEV_')) env[k] = v;
  const logFile = join(o.dataDir, 'logs', 'maildev.log');
  o.log(`maildev: SMTP ${HOST}:${o.smtpPort}, inbox http://${HOST}:${o.webPort}/ (log ${logFile})`);
  const proc = spawnManaged(
    'maildev',
    node,
    [
      cli,
      '--smtp',
      String(o.smtpPort),
      '--ip',
      HOST,
      '--web',
      String(o.webPort),
      '--web-ip',
      HOST,
      '--mail-directory',
      mailDir,
      '--config',
      config,
    ],
    { logFile, env, cwd: dir },
  );
  try {
    await waitFor(
      `MailDev (SMTP ${o.smtpPort}, HTTP ${o.webPort})`,
      () => mailDevReady(o.smtpPort, o.webPort),
      o.timeoutMs ?? 30_000,
      { proc },
    );
  } catch (err) {
    await proc.stop(5000);
    throw err;
  }
  return proc;
}

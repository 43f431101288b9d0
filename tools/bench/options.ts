// Sizes of each scenario, per mode. Full mode is issue #9's figures; quick mode
// keeps the same shape at sizes that finish in about a minute once the stack is
// up, for working on the bench or on a hot path.
import { parseArgs } from 'node:util';
import { chooseInfra, INFRA_SOURCES, type InfraSource } from '../stack/infra-source.ts';

export type Mode = 'quick' | 'full';

// In this order: the pipeline leaves notifications a backlog of an email record per
// request that takes it long to work through, so it runs after the scenarios that
// need a quiet system, and the large analytics fill comes last (see analytics-reads.ts).
export const SCENARIOS = ['analytics-small', 'latency', 'notifications', 'respondent-http', 'pipeline', 'analytics-large'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Sizes {
  /** Answered feedback requests in the pipeline run (two events each). */
  pipelineAnswers: number;
  /** Offered load of the latency run, and how long it lasts. */
  latencyRatePerSecond: number;
  latencySeconds: number;
  /** Unique respondent links answered under autocannon (one request each). */
  respondTokens: number;
  /** Alternated pairs of answers and health checks (tools/bench/trials.ts): the figure is the pair with the median ratio. */
  respondTrials: number;
  /** Links answered, and a second of health checks, untimed before the first pair. */
  respondWarmUp: number;
  /** How long autocannon hammers /health, the respondent baseline, in each pair. */
  healthSeconds: number;
  httpConnections: number;
  /** Emails sent through the pipeline, and by the bare nodemailer baseline, in each trial. */
  emails: number;
  /** Alternated pairs of the two (tools/bench/trials.ts): the figure is the pair with the median ratio. */
  emailTrials: number;
  /** Emails sent both ways, untimed, before the first trial: neither side is timed cold. */
  emailWarmUp: number;
  /** Events counted by analytics behind the first and the second read measurement. */
  analyticsSmall: number;
  analyticsLarge: number;
  /** Sequential calls per analytics endpoint (p95 over these). */
  readCalls: number;
  /** Untimed calls per analytics endpoint before the timed ones (see analytics-reads.ts). */
  readWarmUpCalls: number;
}

export const SIZES: Record<Mode, Sizes> = {
  full: {
    pipelineAnswers: 100_000,
    latencyRatePerSecond: 1000,
    latencySeconds: 30,
    respondTokens: 5000,
    respondTrials: 3,
    respondWarmUp: 200,
    healthSeconds: 10,
    httpConnections: 10,
    emails: 2000,
    emailTrials: 3,
    emailWarmUp: 200,
    analyticsSmall: 10_000,
    analyticsLarge: 1_000_000,
    readCalls: 1000,
    readWarmUpCalls: 1000,
  },
  // Sized for a quick look while developing: about a minute once consumption is
  // batched (the drains between scenarios wait for the slowest consumer).
  quick: {
    pipelineAnswers: 2000,
    latencyRatePerSecond: 1000,
    latencySeconds: 2,
    respondTokens: 200,
    respondTrials: 1,
    respondWarmUp: 20,
    healthSeconds: 2,
    httpConnections: 10,
    emails: 100,
    emailTrials: 1,
    emailWarmUp: 20,
    analyticsSmall: 2000,
    analyticsLarge: 10_000,
    readCalls: 100,
    readWarmUpCalls: 50,
  },
};

export interface BenchOptions {
  mode: Mode;
  sizes: Sizes;
  /** Ports are the e2e profile's shifted by this (500 by default, clear of the e2e offsets in use). */
  portOffset: number;
  scenarios: ScenarioName[];
  /** Leave the stack running at the end (to look at it); Ctrl-C stops it. */
  keep: boolean;
  /** Build the services first (default), so the bench measures the code as it is now. */
  build: boolean;
  /**
   * local: the bench starts its own Kafka, MongoDB-wire server and MailDev.
   * containers: docker-compose.yml's images, started with testcontainers.
   * external: they run elsewhere (BENCH_KAFKA_BROKERS, BENCH_MONGO_URL,
   * BENCH_SMTP_URL, BENCH_MAIL_WEB_URL; tools/stack/external-infra.ts), say
   * those images under docker compose. Either way the bench starts the services.
   */
  infra: InfraSource;
  /**
   * Where the results go, relative to the repository unless absolute: `bench-results` by default.
   * `npm test` writes its quick run elsewhere, so that it never replaces a full run's `latest.json`.
   */
  resultsDir: string;
}

export const USAGE = `usage: npm run bench -- [--quick] [--only ${SCENARIOS.join(',')}] [--port-offset 500] [--keep] [--no-build] [--infra ${INFRA_SOURCES.join('|')}] [--results-dir bench-results]`;

/** `--help`: not a failure; the bench prints the usage and exits 0. */
export class UsageRequested extends Error {
  constructor() {
    super(USAGE);
    this.name = 'UsageRequested';
  }
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'port-offset': { type: 'string', default: process.env.BENCH_PORT_OFFSET ?? '500' },
      keep: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      infra: { type: 'string', default: process.env.BENCH_INFRA || 'local' },
      'results-dir': { type: 'string', default: 'bench-results' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageRequested();
  const mode: Mode = values.quick ? 'quick' : 'full';
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((s) => !(SCENARIOS as readonly string[]).includes(s)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(', ')}\n${USAGE}`);
  const portOffset = Number(values['port-offset']);
  if (!Number.isInteger(portOffset) || portOffset < 0) throw new Error(`--port-offset must be a non-negative integer\n${USAGE}`);
  let infra: InfraSource;
  try {
    // The bench never picks containers by itself: nothing asked means local (no runtime assumed).
    infra = chooseInfra(values.infra, false, '--infra').source;
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${USAGE}`);
  }
  const resultsDir = values['results-dir'].trim();
  if (resultsDir === '') throw new Error(`--results-dir must name a folder\n${USAGE}`);
  return { mode, sizes: SIZES[mode], portOffset, scenarios: only ? SCENARIOS.filter((s) => only.includes(s)) : [...SCENARIOS], keep: values.keep, build: !values['no-build'], infra, resultsDir };
}

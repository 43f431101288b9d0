// Infrastructure the stack does not start: a Kafka, a MongoDB and an SMTP inbox
// that are already running, say the official images of docker-compose.yml
// (`docker compose -f docker-compose.yml -f docker-compose.bench.yml up -d kafka
// kafka-init mongo maildev`). The stack then starts only the five services
// against them, so the bench can measure the platform on a real MongoDB and
// Kafka where a Docker engine exists (this machine has none).
import { kafkaReady, mailInboxReady, mongoReady, waitFor, type Log } from './infra.ts';

export interface ExternalInfra {
  /** Comma-separated host:port list. */
  kafkaBrokers: string;
  mongoUrl: string;
  smtpUrl: string;
  /** MailDev's web inbox and REST API. */
  mailWebUrl: string;
}

/**
 * Where docker-compose.yml with docker-compose.bench.yml publishes its
 * infrastructure on the host (Kafka's HOST listener, MongoDB, MailDev's SMTP
 * and web ports): the defaults, so those two files need no settings.
 */
export const COMPOSE_INFRA: ExternalInfra = {
  kafkaBrokers: '127.0.0.1:9094',
  mongoUrl: 'mongodb://127.0.0.1:27017',
  smtpUrl: 'smtp://127.0.0.1:1025',
  mailWebUrl: 'http://127.0.0.1:1080',
};

const VARIABLES: Record<keyof ExternalInfra, string> = {
  kafkaBrokers: 'KAFKA_BROKERS',
  mongoUrl: 'MONGO_URL',
  smtpUrl: 'SMTP_URL',
  mailWebUrl: 'MAIL_WEB_URL',
};

/** The variable that sets each address, e.g. BENCH_MONGO_URL for the prefix BENCH_. */
export function externalInfraVariables(prefix: string): Record<keyof ExternalInfra, string> {
  return Object.fromEntries(Object.entries(VARIABLES).map(([key, name]) => [key, `${prefix}${name}`])) as Record<keyof ExternalInfra, string>;
}

/**
 * The addresses from `<prefix>KAFKA_BROKERS`, `<prefix>MONGO_URL`,
 * `<prefix>SMTP_URL` and `<prefix>MAIL_WEB_URL`, each defaulting to
 * COMPOSE_INFRA's. Throws one message naming every malformed value.
 */
export function externalInfraFromEnv(env: NodeJS.ProcessEnv, prefix: string): ExternalInfra {
  const names = externalInfraVariables(prefix);
  const value = (key: keyof ExternalInfra) => env[names[key]]?.trim() || COMPOSE_INFRA[key];
  const infra: ExternalInfra = { kafkaBrokers: value('kafkaBrokers'), mongoUrl: value('mongoUrl'), smtpUrl: value('smtpUrl'), mailWebUrl: value('mailWebUrl') };
  const problems: string[] = [];
  const brokers = infra.kafkaBrokers.split(',').map((b) => b.trim());
  if (brokers.some((b) => !/^[^\s:/]+:\d{1,5}$/.test(b))) problems.push(`${names.kafkaBrokers} must be host:port[,host:port...], got "${infra.kafkaBrokers}"`);
  const expectUrl = (key: keyof ExternalInfra, protocols: string[]) => {
    let url: URL | undefined;
    try {
      url = new URL(infra[key]);
    } catch {
      url = undefined;
    }
    if (!url || !protocols.includes(url.protocol) || !url.hostname) problems.push(`${names[key]} must be a ${protocols.join(' or ')}// URL, got "${infra[key]}"`);
  };
  expectUrl('mongoUrl', ['mongodb:', 'mongodb+srv:']);
  expectUrl('smtpUrl', ['smtp:']);
  expectUrl('mailWebUrl', ['http:', 'https:']);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return { ...infra, kafkaBrokers: brokers.join(',') };
}

/** The SMTP server's host and port (25 when the URL names none). */
export function smtpAddress(smtpUrl: string): { host: string; port: number } {
  const url = new URL(smtpUrl);
  return { host: url.hostname, port: url.port ? Number(url.port) : 25 };
}

/** Waits until each of the three answers a real client, saying which one does not. */
export async function waitForExternalInfra(infra: ExternalInfra, log: Log, timeoutMs = 60_000): Promise<void> {
  log(`external infrastructure: Kafka ${infra.kafkaBrokers}, MongoDB ${redactedUrl(infra.mongoUrl)}, SMTP ${infra.smtpUrl}, inbox ${infra.mailWebUrl}`);
  await Promise.all([
    waitFor(`Kafka on ${infra.kafkaBrokers}`, () => kafkaReady(infra.kafkaBrokers.split(',')), timeoutMs),
    waitFor(`MongoDB at ${redactedUrl(infra.mongoUrl)}`, () => mongoReady(infra.mongoUrl), timeoutMs),
    waitFor(`MailDev (SMTP ${infra.smtpUrl}, inbox ${infra.mailWebUrl})`, () => mailInboxReady(smtpAddress(infra.smtpUrl), infra.mailWebUrl), timeoutMs),
  ]);
}

/** A MongoDB URL without its password, for logs. */
export function redactedUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:@/]+):[^@/]*@/i, '$1:***@');
}

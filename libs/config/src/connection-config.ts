import { accessSync, constants, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './load-config';

/**
 * How the services authenticate to Kafka and MongoDB in production: SASL and
 * TLS for Kafka, credentials and TLS for MongoDB. Secrets come from the
 * environment only (or from files it names) and never appear in an error message.
 */

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** A yes/no variable: `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`), any case. */
export function booleanVar(defaultValue: boolean) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return defaultValue;
      const value = text.trim().toLowerCase();
      if (TRUE.has(value)) return true;
      if (FALSE.has(value)) return false;
      ctx.addIssue({ code: 'custom', message: 'must be true or false' });
      return z.NEVER;
    });
}

/** SASL mechanisms kafkajs supports out of the box, as it names them. */
export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** A file path variable (PEM files); whether it can be read is checked when the connection is built. */
const filePath = () => z.string().min(1);
/** A secret: any non-empty text, never echoed back in an error. */
const secret = () => z.string().min(1);

/** The connection settings every service shares (added to DESIGN.md 3.4, all optional). */
export const connectionEnvShape = {
  /** Connect to the brokers over TLS. */
  KAFKA_TLS: booleanVar(false),
  /** PEM file of the CA(s) that signed the brokers' certificates; the system CAs when empty. */
  KAFKA_TLS_CA_FILE: filePath().optional(),
  /** PEM client certificate and its key, for brokers that require mutual TLS. */
  KAFKA_TLS_CERT_FILE: filePath().optional(),
  KAFKA_TLS_KEY_FILE: filePath().optional(),
  /** Passphrase of an encrypted client key. */
  KAFKA_TLS_KEY_PASSPHRASE: secret().optional(),
  /** `plain`, `scram-sha-256` or `scram-sha-512` (any case); empty = no SASL. */
  KAFKA_SASL_MECHANISM: z
    .string()
    .transform((text) => text.trim().toLowerCase())
    .pipe(z.enum(KAFKA_SASL_MECHANISMS, { error: `must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}` }))
    .optional(),
  KAFKA_SASL_USERNAME: secret().optional(),
  KAFKA_SASL_PASSWORD: secret().optional(),
  /** MongoDB credentials outside MONGO_URL, so the URL holds no secret. */
  MONGO_USERNAME: secret().optional(),
  MONGO_PASSWORD: secret().optional(),
  /**
   * Database that holds the user (MongoDB's authSource). When empty the driver
   * authenticates against the service's own database; set `admin` for a user created there.
   */
  MONGO_AUTH_SOURCE: z.string().regex(/^[A-Za-z0-9_$-]+$/, 'must be a database name').optional(),
  /** Connect to MongoDB over TLS (`mongodb+srv://` URLs and `tls=true` in the URL turn it on too). */
  MONGO_TLS: booleanVar(false),
  /** PEM file of the CA(s) that signed the MongoDB servers' certificates. */
  MONGO_TLS_CA_FILE: filePath().optional(),
  /** PEM file with the client certificate and its key, for servers that require mutual TLS. */
  MONGO_TLS_CERT_KEY_FILE: filePath().optional(),
};

/** The parsed connection settings, as the service config contains them. */
export interface ConnectionConfig {
  NODE_ENV: string;
  KAFKA_BROKERS: string[];
  KAFKA_TLS: boolean;
  KAFKA_TLS_CA_FILE?: string;
  KAFKA_TLS_CERT_FILE?: string;
  KAFKA_TLS_KEY_FILE?: string;
  KAFKA_TLS_KEY_PASSPHRASE?: string;
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
  MONGO_URL: string;
  MONGO_USERNAME?: string;
  MONGO_PASSWORD?: string;
  MONGO_AUTH_SOURCE?: string;
  MONGO_TLS: boolean;
  MONGO_TLS_CA_FILE?: string;
  MONGO_TLS_CERT_KEY_FILE?: string;
}

type Problem = { path: keyof ConnectionConfig; message: string };

/** Whether MONGO_URL itself turns TLS on (`mongodb+srv://`, or `tls=true` / `ssl=true`). */
export function mongoUrlUsesTls(url: string): boolean {
  if (/^mongodb\+srv:\/\//i.test(url)) return !/[?&](tls|ssl)=false\b/i.test(url);
  return /[?&](tls|ssl)=true\b/i.test(url);
}

/** Whether MONGO_URL carries credentials (`mongodb://user:pass@host`). */
export function mongoUrlHasCredentials(url: string): boolean {
  const authority = url.replace(/^mongodb(\+srv)?:\/\//i, '').split(/[/?]/, 1)[0] ?? '';
  return authority.includes('@');
}

/**
 * Combinations that cannot work, one problem per variable (checked at boot,
 * with the other settings). Messages name variables, never their values.
 */
export function connectionProblems(env: ConnectionConfig): Problem[] {
  const problems: Problem[] = [];
  const mechanism = env.KAFKA_SASL_MECHANISM;
  if (mechanism) {
    if (!env.KAFKA_SASL_USERNAME) problems.push({ path: 'KAFKA_SASL_USERNAME', message: `must be set when KAFKA_SASL_MECHANISM is ${mechanism}` });
    if (!env.KAFKA_SASL_PASSWORD) problems.push({ path: 'KAFKA_SASL_PASSWORD', message: `must be set when KAFKA_SASL_MECHANISM is ${mechanism}` });
    if (mechanism === 'plain' && !env.KAFKA_TLS && env.NODE_ENV === 'production') {
      problems.push({ path: 'KAFKA_TLS', message: 'must be true with KAFKA_SASL_MECHANISM=plain in production (PLAIN sends the password as it is)' });
    }
  } else {
    for (const path of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
      if (env[path]) problems.push({ path, message: 'is set but KAFKA_SASL_MECHANISM is not (plain, scram-sha-256 or scram-sha-512)' });
    }
  }
  if (!env.KAFKA_TLS) {
    for (const path of ['KAFKA_TLS_CA_FILE', 'KAFKA_TLS_CERT_FILE', 'KAFKA_TLS_KEY_FILE', 'KAFKA_TLS_KEY_PASSPHRASE'] as const) {
      if (env[path]) problems.push({ path, message: 'is set but KAFKA_TLS is not true' });
    }
  }
  if (env.KAFKA_TLS_CERT_FILE && !env.KAFKA_TLS_KEY_FILE) problems.push({ path: 'KAFKA_TLS_KEY_FILE', message: 'must be set with KAFKA_TLS_CERT_FILE (the client certificate needs its key)' });
  if (env.KAFKA_TLS_KEY_FILE && !env.KAFKA_TLS_CERT_FILE) problems.push({ path: 'KAFKA_TLS_CERT_FILE', message: 'must be set with KAFKA_TLS_KEY_FILE (the client key needs its certificate)' });
  if (env.KAFKA_TLS_KEY_PASSPHRASE && !env.KAFKA_TLS_KEY_FILE) problems.push({ path: 'KAFKA_TLS_KEY_PASSPHRASE', message: 'is set but KAFKA_TLS_KEY_FILE is not' });

  if (env.MONGO_USERNAME && !env.MONGO_PASSWORD) problems.push({ path: 'MONGO_PASSWORD', message: 'must be set with MONGO_USERNAME' });
  if (env.MONGO_PASSWORD && !env.MONGO_USERNAME) problems.push({ path: 'MONGO_USERNAME', message: 'must be set with MONGO_PASSWORD' });
  if (env.MONGO_USERNAME && mongoUrlHasCredentials(env.MONGO_URL)) {
    problems.push({ path: 'MONGO_USERNAME', message: 'is set but MONGO_URL carries credentials too: keep them in one place (preferably MONGO_USERNAME and MONGO_PASSWORD)' });
  }
  if (!env.MONGO_TLS && !mongoUrlUsesTls(env.MONGO_URL)) {
    for (const path of ['MONGO_TLS_CA_FILE', 'MONGO_TLS_CERT_KEY_FILE'] as const) {
      if (env[path]) problems.push({ path, message: 'is set but TLS is off (set MONGO_TLS=true)' });
    }
  }
  return problems;
}

/** The kafkajs-independent security part of a Kafka connection. */
export interface KafkaSecurity {
  /** false: plaintext. Otherwise TLS, with the CA and client certificate when configured (PEM contents). */
  tls: false | { ca?: string; cert?: string; key?: string; passphrase?: string };
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
}

export type ReadTextFile = (path: string) => string;

const readText: ReadTextFile = (path) => readFileSync(path, 'utf8');

/** Reads a PEM file named by `variable`; a missing or unreadable file is a ConfigError naming the variable. */
function readPem(variable: string, path: string, read: ReadTextFile): string {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    throw new ConfigError(`Invalid configuration, fix these environment variables:\n  ${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!text.includes('-----BEGIN ')) throw new ConfigError(`Invalid configuration, fix these environment variables:\n  ${variable}: ${path} is not a PEM file`);
  return text;
}

/** Kafka TLS and SASL from the validated config, reading the PEM files it names. */
export function kafkaSecurity(config: ConnectionConfig, read: ReadTextFile = readText): KafkaSecurity {
  const tls = config.KAFKA_TLS
    ? {
        ...(config.KAFKA_TLS_CA_FILE ? { ca: readPem('KAFKA_TLS_CA_FILE', config.KAFKA_TLS_CA_FILE, read) } : {}),
        ...(config.KAFKA_TLS_CERT_FILE ? { cert: readPem('KAFKA_TLS_CERT_FILE', config.KAFKA_TLS_CERT_FILE, read) } : {}),
        ...(config.KAFKA_TLS_KEY_FILE ? { key: readPem('KAFKA_TLS_KEY_FILE', config.KAFKA_TLS_KEY_FILE, read) } : {}),
        ...(config.KAFKA_TLS_KEY_PASSPHRASE ? { passphrase: config.KAFKA_TLS_KEY_PASSPHRASE } : {}),
      }
    : (false as const);
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = config;
  return { tls, ...(mechanism && username && password ? { sasl: { mechanism, username, password } } : {}) };
}

/** The driver-independent part of a MongoDB connection besides the URL and database. */
export interface MongoSecurity {
  auth?: { username: string; password: string };
  authSource?: string;
  /** Only set when MONGO_TLS is true; otherwise the URL decides. */
  tls?: true;
  /** Paths: the driver reads them when it connects. */
  tlsCAFile?: string;
  tlsCertificateKeyFile?: string;
}

export type FileCheck = (path: string) => void;

const checkReadable: FileCheck = (path) => accessSync(path, constants.R_OK);

/** MongoDB credentials and TLS from the validated config; a named file that can't be read is a ConfigError. */
export function mongoSecurity(config: ConnectionConfig, check: FileCheck = checkReadable): MongoSecurity {
  for (const variable of ['MONGO_TLS_CA_FILE', 'MONGO_TLS_CERT_KEY_FILE'] as const) {
    const path = config[variable];
    if (!path) continue;
    try {
      check(path);
    } catch (error) {
      throw new ConfigError(`Invalid configuration, fix these environment variables:\n  ${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return {
    ...(config.MONGO_USERNAME && config.MONGO_PASSWORD ? { auth: { username: config.MONGO_USERNAME, password: config.MONGO_PASSWORD } } : {}),
    ...(config.MONGO_AUTH_SOURCE ? { authSource: config.MONGO_AUTH_SOURCE } : {}),
    ...(config.MONGO_TLS ? { tls: true as const } : {}),
    ...(config.MONGO_TLS_CA_FILE ? { tlsCAFile: config.MONGO_TLS_CA_FILE } : {}),
    ...(config.MONGO_TLS_CERT_KEY_FILE ? { tlsCertificateKeyFile: config.MONGO_TLS_CERT_KEY_FILE } : {}),
  };
}

// The bench's own stack: the e2e profile's layout on ports shifted by 500 (so it
// runs beside `npm start` and the e2e suites), data under .local/bench, fresh on
// every run, and a production-like service configuration: NODE_ENV=production
// with secrets made for this run (the bench signs tokens and seals comments with
// them, as the real producers would).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { respondentLinkKey } from '@feedback/auth';
import { testProfile, type StackProfile } from '../stack/stack.ts';
import type { ExternalInfra } from '../stack/external-infra.ts';
import type { Mode } from './options.ts';

export interface BenchSecrets {
  jwtSecret: string;
  piiKeys: string;
  /** The key the stack signs respondent links with (derived from the JWT secret, as configured). */
  linkKey: string;
}

export function newSecrets(): BenchSecrets {
  const jwtSecret = randomBytes(32).toString('hex');
  return { jwtSecret, piiKeys: `bench1:${randomBytes(32).toString('base64')}`, linkKey: respondentLinkKey(jwtSecret) };
}

/** The services' databases of one run: its own, so a store that outlives the run is never mixed up with another's. */
export function benchDbPrefix(runId: string): string {
  return `bench_${runId}_`;
}

export interface BenchStackOptions {
  mode: Mode;
  portOffset: number;
  secrets: BenchSecrets;
  runId: string;
  external?: ExternalInfra;
}

export function benchProfile(repoRoot: string, { mode, portOffset, secrets, runId, external }: BenchStackOptions): StackProfile {
  const base = testProfile(repoRoot, portOffset);
  return {
    ...base,
    name: 'bench',
    // Another offset is another stack: it must not wipe this one's data.
    dataDir: join(repoRoot, '.local', portOffset === 500 ? 'bench' : `bench-${portOffset}`),
    // The memory backend keeps every document (and each service's processed-event
    // records) on the heap: a million events need several GB.
    mongoMaxHeap: mode === 'full' ? '8g' : '2g',
    serviceEnv: {
      MONGO_DB_PREFIX: benchDbPrefix(runId),
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      AUTH_JWT_SECRET: secrets.jwtSecret,
      PII_ENCRYPTION_KEYS: secrets.piiKeys,
    },
    external,
  };
}

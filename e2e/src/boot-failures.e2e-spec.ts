import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { serviceEnv, profile } from './support';

const repoRoot = join(__dirname, '..', '..');

/** Runs a service's build output with `env` and returns how it ended. */
function boot(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'dist/apps/notifications/src/main.js')], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('a service that cannot start says why in one clear message', () => {
  it('names every bad configuration variable', async () => {
    const result = await boot({ ...serviceEnv('notifications'), PORT: '0', KAFKA_BROKERS: 'no-port-here', INFO_REQUEST_WINDOW: '3 days' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/notifications: Invalid configuration/);
    expect(result.stderr).toMatch(/KAFKA_BROKERS/);
    expect(result.stderr).toMatch(/INFO_REQUEST_WINDOW: "3 days" is not an ISO-8601 duration/);
  });

  it('refuses the public dev secrets in production', async () => {
    const result = await boot({ ...serviceEnv('notifications'), NODE_ENV: 'production', AUTH_JWT_SECRET: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/AUTH_JWT_SECRET: must be set in production/);
  });

  it('refuses Kafka SASL settings that cannot work, without echoing the secret', async () => {
    const result = await boot({ ...serviceEnv('notifications'), PORT: '0', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_PASSWORD: 'sasl-secret-4711' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ {2}KAFKA_SASL_USERNAME: must be set when KAFKA_SASL_MECHANISM is scram-sha-512$/m);
    expect(result.stderr).not.toContain('sasl-secret-4711');
  });

  it('names a TLS file it cannot read', async () => {
    // a valid config otherwise: the file is read while the service is wired, before it listens
    const port = String(profile().servicePorts.notifications + 90);
    const result = await boot({ ...serviceEnv('notifications'), PORT: port, KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: '/nonexistent/kafka-ca.pem' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/KAFKA_TLS_CA_FILE: cannot read \/nonexistent\/kafka-ca\.pem \(ENOENT\)/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names a port that is already taken', async () => {
    // The running test stack already holds the notifications port.
    const result = await boot({ ...serviceEnv('notifications'), PORT: String(profile().servicePorts.notifications) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`port ${profile().servicePorts.notifications} is already in use`));
  });
});

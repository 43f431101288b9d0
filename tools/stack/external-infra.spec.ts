import { COMPOSE_INFRA, externalInfraFromEnv, externalInfraVariables, redactedUrl, smtpAddress } from './external-infra.ts';
import { stackUrls, testProfile } from './stack.ts';

describe('external infrastructure from the environment', () => {
  it("defaults every address to where docker-compose.yml with docker-compose.bench.yml publishes it", () => {
    expect(externalInfraFromEnv({}, 'BENCH_')).toEqual(COMPOSE_INFRA);
    expect(externalInfraFromEnv({ BENCH_MONGO_URL: '  ' }, 'BENCH_')).toEqual(COMPOSE_INFRA);
  });

  it('takes each address from its own variable under the prefix, and only that one', () => {
    const infra = externalInfraFromEnv(
      { BENCH_KAFKA_BROKERS: 'k1:9094, k2:9094', BENCH_MONGO_URL: 'mongodb://u:p@db:27018/?authSource=admin', MONGO_URL: 'mongodb://elsewhere:1', BENCH_SMTP_URL: 'smtp://mail:2525' },
      'BENCH_',
    );
    expect(infra).toEqual({ kafkaBrokers: 'k1:9094,k2:9094', mongoUrl: 'mongodb://u:p@db:27018/?authSource=admin', smtpUrl: 'smtp://mail:2525', mailWebUrl: COMPOSE_INFRA.mailWebUrl });
    expect(externalInfraVariables('X_')).toEqual({ kafkaBrokers: 'X_KAFKA_BROKERS', mongoUrl: 'X_MONGO_URL', smtpUrl: 'X_SMTP_URL', mailWebUrl: 'X_MAIL_WEB_URL' });
  });

  it('refuses malformed addresses in one message naming each variable', () => {
    const attempt = () => externalInfraFromEnv({ BENCH_KAFKA_BROKERS: 'http://k1:9094', BENCH_MONGO_URL: 'postgres://db', BENCH_MAIL_WEB_URL: 'not a url' }, 'BENCH_');
    expect(attempt).toThrow(/BENCH_KAFKA_BROKERS must be host:port/);
    expect(attempt).toThrow(/BENCH_MONGO_URL must be a mongodb: or mongodb\+srv:\/\/ URL, got "postgres:\/\/db"/);
    expect(attempt).toThrow(/BENCH_MAIL_WEB_URL must be a http: or https:\/\/ URL/);
    expect(attempt).not.toThrow(/BENCH_SMTP_URL/);
  });

  it('reads the SMTP host and port, 25 by default', () => {
    expect(smtpAddress('smtp://mail.example:2525')).toEqual({ host: 'mail.example', port: 2525 });
    expect(smtpAddress('smtp://mail.example')).toEqual({ host: 'mail.example', port: 25 });
  });

  it('keeps passwords out of what it logs', () => {
    expect(redactedUrl('mongodb://bench:s3cret@db:27017/?authSource=admin')).toBe('mongodb://bench:***@db:27017/?authSource=admin');
    expect(redactedUrl('mongodb://db:27017')).toBe('mongodb://db:27017');
  });

  it("gives the services and clients the external addresses instead of the profile's own ports", () => {
    const profile = { ...testProfile('/repo', 0), external: { kafkaBrokers: 'k1:9094', mongoUrl: 'mongodb://db:27017', smtpUrl: 'smtp://mail:1025', mailWebUrl: 'http://mail:1080' } };
    expect(stackUrls(profile)).toMatchObject({ kafkaBrokers: 'k1:9094', mongoUrl: 'mongodb://db:27017', smtpUrl: 'smtp://mail:1025', mailWebUrl: 'http://mail:1080' });
    expect(stackUrls(testProfile('/repo', 0))).toMatchObject({ kafkaBrokers: '127.0.0.1:19092', mongoUrl: 'mongodb://127.0.0.1:28017' });
  });
});

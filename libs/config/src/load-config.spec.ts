import { ConfigError, loadConfig } from './load-config';
import { serviceEnvSchema } from './platform-config';
import { parseIsoDuration } from './duration';

const schema = serviceEnvSchema(3005, {});

describe('service configuration', () => {
  it('applies the DESIGN.md defaults when nothing is set', () => {
    const config = loadConfig(schema, {});
    expect(config.PORT).toBe(3005);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.MONGO_URL).toBe('mongodb://127.0.0.1:27017');
    expect(config.INFO_REQUEST_WINDOW).toBe(72 * 3_600_000);
    expect(config.FEEDBACK_REQUEST_WINDOW).toBe(7 * 86_400_000);
    expect(config.DISCLOSURE_RETENTION).toBe(90 * 86_400_000);
    expect(config.ANALYTICS_MIN_GROUP_SIZE).toBe(10);
    expect(config.ANALYTICS_NOISE_EPSILON).toBeUndefined();
  });

  it('stops with a message naming every bad variable', () => {
    expect(() => loadConfig(schema, { PORT: 'eighty', INFO_REQUEST_WINDOW: '3 days', KAFKA_BROKERS: 'localhost' })).toThrow(ConfigError);
    try {
      loadConfig(schema, { PORT: 'eighty', INFO_REQUEST_WINDOW: '3 days', KAFKA_BROKERS: 'localhost' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/INFO_REQUEST_WINDOW: "3 days" is not an ISO-8601 duration/);
      expect((error as Error).message).toMatch(/KAFKA_BROKERS/);
    }
  });

  it('refuses the public dev secrets in production', () => {
    expect(() => loadConfig(schema, { NODE_ENV: 'production' })).toThrow(/AUTH_JWT_SECRET.*\n.*PII_ENCRYPTION_KEYS/s);
  });

  it('parses a key ring, first key first', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig(schema, { PII_ENCRYPTION_KEYS: `k2:${key},k1:${key}` }).PII_ENCRYPTION_KEYS.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(() => loadConfig(schema, { PII_ENCRYPTION_KEYS: 'k1:short' })).toThrow(/PII_ENCRYPTION_KEYS/);
    expect(() => loadConfig(schema, { PII_ENCRYPTION_KEYS: `k1:${key},k1:${key}` })).toThrow(/PII_ENCRYPTION_KEYS.*once/);
  });
});

describe('parseIsoDuration', () => {
  it.each([
    ['PT72H', 259_200_000],
    ['P7D', 604_800_000],
    ['PT1M', 60_000],
    ['P1DT12H', 129_600_000],
    ['PT0.5S', 500],
    ['P2W', 1_209_600_000],
  ])('%s is %d ms', (text, ms) => expect(parseIsoDuration(text)).toBe(ms));

  it.each(['72h', 'P', 'PT', 'P1Y', 'P1M', 'PT0S', ''])('refuses %p', (text) => expect(() => parseIsoDuration(text)).toThrow());
});

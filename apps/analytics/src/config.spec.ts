import { ConfigError, DEV_JWT_SECRET } from '@feedback/config';
import { loadAnalyticsConfig, sketchKey } from './config';

describe('analytics config', () => {
  it('defaults k to 10, no noise, a sketch key derived from (never equal to) the API secret', () => {
    const config = loadAnalyticsConfig({});
    expect(config.ANALYTICS_MIN_GROUP_SIZE).toBe(10);
    expect(config.ANALYTICS_NOISE_EPSILON).toBeUndefined();
    expect(sketchKey(config)).not.toBe(DEV_JWT_SECRET);
    expect(sketchKey(config)).toBe(sketchKey(loadAnalyticsConfig({})));
    expect(sketchKey(loadAnalyticsConfig({ ANALYTICS_SKETCH_KEY: 'k'.repeat(40) }))).toBe('k'.repeat(40));
  });

  it('refuses a k the people sketch cannot decide, and bad noise budgets', () => {
    expect(() => loadAnalyticsConfig({ ANALYTICS_MIN_GROUP_SIZE: '300' })).toThrow(ConfigError);
    expect(() => loadAnalyticsConfig({ ANALYTICS_MIN_GROUP_SIZE: '0' })).toThrow(ConfigError);
    expect(() => loadAnalyticsConfig({ ANALYTICS_NOISE_EPSILON: '-1' })).toThrow(ConfigError);
    expect(loadAnalyticsConfig({ ANALYTICS_NOISE_EPSILON: '0.5', ANALYTICS_MIN_GROUP_SIZE: '25' })).toMatchObject({ ANALYTICS_NOISE_EPSILON: 0.5, ANALYTICS_MIN_GROUP_SIZE: 25 });
  });
});

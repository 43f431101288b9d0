import type { HealthCheckResult } from '@nestjs/terminus';
import { toErrorBody } from '@feedback/http';
import { unhealthy } from './health-report';

describe('unhealthy: the body of a failed /health', () => {
  it('names the dependencies that are down in the error body, and which are up', () => {
    const result: HealthCheckResult = {
      status: 'error',
      info: { mongo: { status: 'up', database: 'requests' } },
      error: { kafka: { status: 'down', message: 'connect ECONNREFUSED 10.0.0.7:9092' } },
      details: { kafka: { status: 'down', message: 'connect ECONNREFUSED 10.0.0.7:9092' }, mongo: { status: 'up', database: 'requests' } },
    };
    expect(toErrorBody(unhealthy(result))).toEqual({ statusCode: 503, error: 'dependency_unavailable', message: 'kafka is down', dependencies: { kafka: 'down', mongo: 'up' } });
  });

  it('lists every dependency that is down', () => {
    const result: HealthCheckResult = {
      status: 'error',
      details: { kafka: { status: 'down' }, mongo: { status: 'down' }, smtp: { status: 'down' } },
    };
    expect(unhealthy(result).message).toBe('kafka, mongo and smtp are down');
  });

  it('never passes on why a dependency is down (addresses, driver errors): that is for the log', () => {
    const result: HealthCheckResult = { status: 'error', details: { mongo: { status: 'down', message: 'connection to 10.0.0.8:27017 closed' } } };
    expect(JSON.stringify(toErrorBody(unhealthy(result)))).not.toContain('10.0.0.8');
  });

  it('says so when the service is shutting down', () => {
    const result: HealthCheckResult = { status: 'shutting_down', details: { kafka: { status: 'up' }, mongo: { status: 'up' } } };
    expect(toErrorBody(unhealthy(result))).toMatchObject({ statusCode: 503, error: 'shutting_down', dependencies: { kafka: 'up', mongo: 'up' } });
  });
});

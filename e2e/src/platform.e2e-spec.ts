import { SERVICES } from '../../tools/stack/stack.ts';
import { serviceUrl, token } from './support';

describe.each(SERVICES)('%s service', (service) => {
  it('reports Kafka and MongoDB healthy on /health', async () => {
    const response = await fetch(`${serviceUrl(service)}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', info: { kafka: { status: 'up' }, mongo: { status: 'up' } } });
  });

  it('exposes Prometheus metrics on /metrics', async () => {
    const response = await fetch(`${serviceUrl(service)}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^process_cpu_user_seconds_total/m);
  });

  it('serves its OpenAPI document and UI', async () => {
    const json = await fetch(`${serviceUrl(service)}/docs-json`);
    expect(json.status).toBe(200);
    const document = (await json.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toContain('/health');
    expect((await fetch(`${serviceUrl(service)}/docs`)).status).toBe(200);
  });

  it('answers an unknown route with the contract error shape', async () => {
    const response = await fetch(`${serviceUrl(service)}/v1/no-such-route`, { headers: { authorization: `Bearer ${token('analyst')}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ statusCode: 404, error: 'not_found', message: expect.any(String) });
  });
});

describe('API authentication (notifications contact directory)', () => {
  const url = () => `${serviceUrl('notifications')}/v1/contacts/someone`;

  it.each([
    ['no token', undefined],
    ['a malformed token', 'Bearer not-a-jwt'],
    ['an expired token', `Bearer ${token('integrity', {}, -10)}`],
  ])('refuses %s with 401 unauthorized', async (_label, authorization) => {
    const response = await fetch(url(), { headers: authorization ? { authorization } : {} });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ statusCode: 401, error: 'unauthorized' });
  });

  it('refuses a valid token of the wrong role with 403 forbidden', async () => {
    const response = await fetch(url(), { headers: { authorization: `Bearer ${token('business', { businessId: 'b1' })}` } });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ statusCode: 403, error: 'forbidden' });
  });

  it('lets the integrity team through (404 for an unknown person)', async () => {
    const response = await fetch(url(), { headers: { authorization: `Bearer ${token('integrity')}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'not_found' });
  });
});

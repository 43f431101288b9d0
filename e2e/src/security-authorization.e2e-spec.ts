import jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { respondentLinkKey, signRespondentLink } from '@feedback/auth';
import { DEV_JWT_SECRET } from '@feedback/config';
import { SERVICES, type ServiceName } from '../../tools/stack/stack.ts';
import { eventually, publishBusiness, serviceUrl, token, withDatabase, type BusinessFixture } from './support';

type Principal =
  | 'none'
  | 'expired'
  | 'forged'
  | 'wrongAlg'
  | 'algNone'
  | 'respondentLink'
  | 'otherBusiness'
  | 'member'
  | 'admin'
  | 'processor'
  | 'analyst'
  | 'integrity';

const BAD_TOKENS: Principal[] = ['none', 'expired', 'forged', 'wrongAlg', 'algNone', 'respondentLink'];
const VALID: Principal[] = ['otherBusiness', 'member', 'admin', 'processor', 'analyst', 'integrity'];

/**
 * Who may use each route. `public` routes take no API token. For the others,
 * the principals listed get past authentication and authorization (they may
 * still get 400/404 for the made-up ids); every other valid principal gets 403,
 * and every missing, expired, forged, wrong-algorithm or respondent token 401.
 */
const MATRIX: Record<string, { service: ServiceName; allowed: Principal[] } | { service: ServiceName; public: true }> = {
  'POST /v1/businesses/{businessId}/feedback-requests': { service: 'requests', allowed: ['member', 'admin'] },
  'GET /v1/businesses/{businessId}/feedback-requests': { service: 'requests', allowed: ['member', 'admin', 'processor'] },
  'GET /v1/businesses/{businessId}/feedback-requests/{id}': { service: 'requests', allowed: ['member', 'admin', 'processor'] },
  'POST /v1/businesses/{businessId}/reviews/{reviewId}/information-requests': { service: 'requests', allowed: ['member', 'admin'] },
  'GET /v1/businesses/{businessId}/information-requests': { service: 'requests', allowed: ['member', 'admin', 'processor'] },
  'GET /v1/businesses/{businessId}/information-requests/{id}': { service: 'requests', allowed: ['member', 'admin', 'processor'] },
  'GET /v1/businesses/{businessId}/settings': { service: 'requests', allowed: ['member', 'admin'] },
  'PUT /v1/businesses/{businessId}/settings': { service: 'requests', allowed: ['admin'] },
  'GET /respond/{token}': { service: 'requests', public: true },
  'POST /respond/{token}': { service: 'requests', public: true },
  'POST /respond/{token}/decline': { service: 'requests', public: true },
  'GET /v1/businesses/{businessId}/feedback': { service: 'feedback-store', allowed: ['member', 'admin', 'processor'] },
  'DELETE /v1/businesses/{businessId}/feedback/{requestId}': { service: 'feedback-store', allowed: ['admin'] },
  'GET /v1/businesses/{businessId}/information-requests/{requestId}/details': { service: 'feedback-store', allowed: ['member', 'admin'] },
  'GET /v1/businesses/{businessId}/information-requests/{requestId}/details/reads': { service: 'feedback-store', allowed: ['admin'] },
  'POST /v1/businesses/{businessId}/information-requests/{requestId}/identification': { service: 'feedback-store', allowed: ['member', 'admin'] },
  'POST /v1/businesses/{businessId}/reviews/{reviewId}/reports': { service: 'reporting', allowed: ['member', 'admin'] },
  'GET /v1/businesses/{businessId}/reports': { service: 'reporting', allowed: ['member', 'admin', 'processor'] },
  'GET /v1/businesses/{businessId}/reports/{id}': { service: 'reporting', allowed: ['member', 'admin', 'processor'] },
  'GET /v1/integrity/reports': { service: 'reporting', allowed: ['integrity'] },
  'GET /v1/integrity/reports/{id}': { service: 'reporting', allowed: ['integrity'] },
  'POST /v1/integrity/reports/{id}/decision': { service: 'reporting', allowed: ['integrity'] },
  'GET /v1/integrity/reports/{id}/documentation/file': { service: 'reporting', allowed: ['integrity'] },
  'GET /v1/integrity/flags': { service: 'reporting', allowed: ['integrity'] },
  'GET /documentation/{token}': { service: 'reporting', public: true },
  'POST /documentation/{token}': { service: 'reporting', public: true },
  'GET /dashboard': { service: 'analytics', public: true },
  'GET /v1/stats/overview': { service: 'analytics', allowed: ['analyst'] },
  'GET /v1/stats/businesses': { service: 'analytics', allowed: ['analyst'] },
  'GET /v1/stats/businesses/{businessId}': { service: 'analytics', allowed: ['analyst', 'member', 'admin', 'processor'] },
  'GET /v1/notifications': { service: 'notifications', allowed: ['integrity'] },
  'GET /v1/contacts/{userId}': { service: 'notifications', allowed: ['integrity'] },
};
const EVERY_SERVICE_PUBLIC = ['GET /health', 'GET /metrics'];

function bearerOf(principal: Principal, business: BusinessFixture, other: BusinessFixture): string | undefined {
  const b = business.businessId;
  switch (principal) {
    case 'none':
      return undefined;
    case 'expired':
      return token('business', { sub: business.admin.userId, businessId: b }, -60);
    case 'forged':
      return jwt.sign({ sub: business.admin.userId, role: 'business', businessId: b }, 'not-the-secret-not-the-secret-not-the-secret', { algorithm: 'HS256', expiresIn: 600 });
    case 'wrongAlg':
      return jwt.sign({ sub: business.admin.userId, role: 'business', businessId: b }, DEV_JWT_SECRET, { algorithm: 'HS512', expiresIn: 600 });
    case 'algNone':
      return jwt.sign({ sub: business.admin.userId, role: 'business', businessId: b }, '', { algorithm: 'none', expiresIn: 600 });
    case 'respondentLink':
      return signRespondentLink({ purpose: 'feedback-request', subjectId: randomUUID(), language: 'en' }, respondentLinkKey(DEV_JWT_SECRET), new Date(Date.now() + 600_000));
    case 'otherBusiness':
      return token('business', { sub: other.admin.userId, businessId: other.businessId });
    case 'member':
      return token('business', { sub: business.member.userId, businessId: b });
    case 'admin':
      return token('business', { sub: business.admin.userId, businessId: b });
    case 'processor':
      return token('processor', { sub: 'crm', businessId: b });
    case 'analyst':
      return token('analyst');
    case 'integrity':
      return token('integrity');
  }
}

describe('authorization matrix: every route, every kind of caller', () => {
  let business: BusinessFixture;
  let other: BusinessFixture;
  const documented = new Map<string, ServiceName>();

  beforeAll(async () => {
    [business, other] = await Promise.all([publishBusiness(), publishBusiness()]);
    // Admin/member roles come from the profile: wait until every service that checks them has it.
    await eventually('the business profile in requests and feedback-store', async () => {
      const inRequests = await withDatabase('requests', (db) => db.collection('businesses').countDocuments({ _id: business.businessId as never }));
      const inStore = await withDatabase('feedback-store', (db) => db.collection('business_rosters').countDocuments({ _id: business.businessId as never }));
      return inRequests && inStore ? true : undefined;
    });
    for (const service of SERVICES) {
      const document = (await (await fetch(`${serviceUrl(service)}/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      for (const [path, methods] of Object.entries(document.paths)) for (const method of Object.keys(methods)) documented.set(`${method.toUpperCase()} ${path}`, service);
    }
  });

  it('has an expectation for every route the running services expose, and no stale ones', () => {
    const routes = [...documented.keys()].filter((route) => !EVERY_SERVICE_PUBLIC.includes(route)).sort();
    expect(routes).toEqual(Object.keys(MATRIX).sort());
    for (const [route, expectation] of Object.entries(MATRIX)) expect(`${route} on ${documented.get(route)}`).toBe(`${route} on ${expectation.service}`);
  });

  it.each(Object.entries(MATRIX))('%s', async (route, expectation) => {
    const [method, template] = route.split(' ') as [string, string];
    const path = template.replace('{businessId}', business.businessId).replace(/\{[^}]+\}/g, () => `id-${randomUUID()}`);
    const results: string[] = [];
    for (const principal of [...BAD_TOKENS, ...VALID]) {
      const bearer = bearerOf(principal, business, other);
      const response = await fetch(`${serviceUrl(expectation.service)}${path}`, {
        method,
        headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
        body: method === 'GET' ? undefined : '{}',
      });
      const status = response.status;
      let expected: string;
      if ('public' in expectation) expected = status === 401 || status === 403 ? 'refused' : 'open';
      else if (BAD_TOKENS.includes(principal)) expected = status === 401 ? 'open' : `401 expected`;
      else if (expectation.allowed.includes(principal)) expected = status === 401 || status === 403 ? `allowed expected` : 'open';
      else expected = status === 403 ? 'open' : `403 expected`;
      if (expected !== 'open') results.push(`${principal}: got ${status}, ${expected}`);
    }
    expect(results).toEqual([]);
  });

  it.each(SERVICES)('%s serves /health and /metrics without a token', async (service) => {
    expect((await fetch(`${serviceUrl(service)}/health`)).status).toBe(200);
    expect((await fetch(`${serviceUrl(service)}/metrics`)).status).toBe(200);
  });
});

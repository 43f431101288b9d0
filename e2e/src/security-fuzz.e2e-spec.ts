import fc from 'fast-check';
import { SERVICES } from '../../tools/stack/stack.ts';
import { serviceUrl, token } from './support';

interface Operation {
  service: (typeof SERVICES)[number];
  method: string;
  path: string;
}

/** Every operation every running service documents: the fuzzer can't leave a route out. */
async function operations(): Promise<Operation[]> {
  const all: Operation[] = [];
  for (const service of SERVICES) {
    const document = (await (await fetch(`${serviceUrl(service)}/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const method of Object.keys(methods)) all.push({ service, method: method.toUpperCase(), path });
    }
  }
  return all;
}

const segment = fc.oneof(
  fc.constantFrom('b-fuzz', 'x', '..', '%00', '%2e%2e%2f', 'a'.repeat(300), '$where', '{"$gt":""}', 'null', '-1', '😀'),
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
);
const jsonValue = fc.jsonValue({ maxDepth: 4 });
const body = fc.oneof(
  jsonValue.map((value) => ({ type: 'application/json', text: JSON.stringify(value) })),
  fc.string({ maxLength: 200 }).map((text) => ({ type: 'application/json', text })),
  fc.string({ maxLength: 200 }).map((text) => ({ type: 'application/x-www-form-urlencoded', text })),
  fc.constantFrom(
    { type: 'application/json', text: '{"__proto__": {"admin": true}}' },
    { type: 'application/json', text: '{"constructor": {"prototype": {"x": 1}}}' },
    { type: 'application/json', text: '{"survey": {"type": {"$ne": null}}, "conversationId": {"$gt": ""}}' },
    { type: 'text/plain', text: 'hello' },
  ),
);
const query = fc.dictionary(fc.constantFrom('limit', 'cursor', 'status', 'from', 'to', 'granularity', 'recipient', 'businessId', 'x'), fc.string({ maxLength: 30 }), { maxKeys: 4 });

/**
 * Random paths, queries, bodies and tokens against every documented route of
 * every service: whatever comes in, the answer is a clear 4xx (or a success),
 * never a 5xx, and always the contract's error shape for JSON errors.
 */
describe('input fuzzing of every HTTP route', () => {
  jest.setTimeout(300_000);

  it('never answers 5xx, and errors keep the {statusCode, error, message} shape', async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(20);
    const tokens = [
      undefined,
      token('business', { sub: 'fuzz-admin', businessId: 'b-fuzz' }),
      token('processor', { businessId: 'b-fuzz' }),
      token('analyst'),
      token('integrity'),
    ];
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ops), fc.array(segment, { minLength: 3, maxLength: 3 }), query, body, fc.constantFrom(...tokens), async (op, segments, params, payload, bearer) => {
        let i = 0;
        const path = op.path.replace(/\{[^}]+\}/g, (name) => (name === '{businessId}' && i++ % 2 === 0 ? 'b-fuzz' : segments[i++ % segments.length]!));
        const url = `${serviceUrl(op.service)}${path}?${new URLSearchParams(params)}`;
        const response = await fetch(url, {
          method: op.method,
          headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(op.method === 'GET' || op.method === 'HEAD' ? {} : { 'content-type': payload.type }) },
          body: op.method === 'GET' || op.method === 'HEAD' ? undefined : payload.text,
        });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500) failures.push(`${op.method} ${path} -> ${response.status}: ${text.slice(0, 200)}`);
        if (response.status >= 400 && (response.headers.get('content-type') ?? '').includes('application/json')) {
          const error = JSON.parse(text) as Record<string, unknown>;
          if (typeof error.statusCode !== 'number' || typeof error.error !== 'string' || typeof error.message !== 'string') {
            failures.push(`${op.method} ${path} -> ${response.status} without the error shape: ${text.slice(0, 200)}`);
          }
        }
        return true;
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 1500), seed: Number(process.env.FUZZ_SEED ?? 20261124) },
    );
    expect(failures).toEqual([]);
    // The fuzzer must get past authentication and validation, not only bounce off them.
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(10);
    expect(statuses.get(404) ?? 0).toBeGreaterThan(10);
  });

  it('refuses oversized bodies with 413, not a crash', async () => {
    const big = JSON.stringify({ email: 'x'.repeat(300_000) });
    const response = await fetch(`${serviceUrl('requests')}/respond/not-a-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ statusCode: 413, error: 'payload_too_large' });
  });
});

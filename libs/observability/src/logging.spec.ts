import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { httpLoggerOptions, platformLogger } from './logging';

/** A stream that keeps what the logger writes. */
function sink(): { stream: Writable; lines: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out += chunk.toString();
      done();
    },
  });
  return { stream, lines: () => out };
}

describe('the platform logger', () => {
  it('redacts personal fields in lines, child bindings and logged errors', () => {
    const { stream, lines } = sink();
    const logger = platformLogger({ base: { service: 'test' } }, stream);
    const error = Object.assign(new TypeError('smtp refused'), { recipient: 'err-4711@example.com' });
    logger.child({ contact: { email: 'child-4711@example.com' } }).child({ grandchild: [{ phone: 'phone-4711' }] }).warn({ err: error, delivery: { to: 'to-4711@example.com', kind: 'outcome' } }, 'send failed');
    const line = lines();
    for (const value of ['err-4711', 'child-4711', 'phone-4711', 'to-4711']) expect(line).not.toContain(value);
    const written = JSON.parse(line) as { err: { type: string; message: string; stack: string }; delivery: { kind: string }; service: string };
    expect(written.err).toMatchObject({ type: 'TypeError', message: 'smtp refused', recipient: '[REDACTED]' });
    expect(written.err.stack).toContain('smtp refused');
    expect(written.delivery.kind).toBe('outcome');
    expect(written.service).toBe('test');
  });

  describe('through pino-http, as the services log', () => {
    let server: Server;
    const { stream, lines } = sink();

    beforeAll(async () => {
      const log = pinoHttp(httpLoggerOptions('requests', 'info', stream));
      server = createServer((req, res) => {
        log(req, res);
        req.log.error({ err: Object.assign(new RangeError('bad score'), { comment: 'comment-4711' }) }, 'rejected');
        res.statusCode = 422;
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('masks the link secret of the URL and redacts errors pino-http has serialized', async () => {
      const { port } = server.address() as AddressInfo;
      await fetch(`http://127.0.0.1:${port}/respond/secret-token-4711?recipient=query-4711@example.com`, {
        method: 'POST',
        headers: { authorization: 'Bearer header-4711', cookie: 'c=cookie-4711' },
      });
      const written = lines();
      for (const value of ['secret-token-4711', 'query-4711', 'header-4711', 'cookie-4711', 'comment-4711']) expect(written).not.toContain(value);
      const [rejected, completed] = written.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(rejected?.err).toMatchObject({ type: 'RangeError', message: 'bad score', comment: '[REDACTED]' });
      expect(completed?.req).toEqual({ id: expect.anything(), method: 'POST', url: '/respond/[REDACTED]?recipient=[REDACTED]' });
      expect(completed?.res).toEqual({ statusCode: 422 });
    });
  });
});

import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { maskUrlSecrets, redactionPaths } from '@feedback/pii';

/**
 * Structured JSON logs with personal data and secrets redacted wherever they
 * appear, and link secrets masked out of request URLs.
 */
export function loggerModule(service: string, level: string) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      base: { service },
      redact: { paths: redactionPaths(), censor: '[REDACTED]' },
      // Health probes and scrapes every few seconds would drown the useful lines.
      autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/metrics' },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: maskUrlSecrets(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customProps: () => ({}),
    },
  });
}

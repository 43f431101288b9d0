import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import type { Options as PinoHttpOptions } from 'pino-http';
import pino, { stdSerializers, type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { maskUrlSecrets, redactPersonalFields } from '@feedback/pii';

/**
 * What the platform writes for a request, a response and an error, redacted:
 * link secrets and personal query parameters masked out of URLs, personal and
 * secret fields (libs/pii) out of an error's properties.
 */
export const LOG_SERIALIZERS = {
  req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: maskUrlSecrets(req.url) }),
  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
  // pino-http hands this an error it has serialized already; a bare pino logger, the Error itself.
  err: (error: unknown) => redactPersonalFields(error instanceof Error ? stdSerializers.err(error) : error),
};

/** Keys LOG_SERIALIZERS write: the raw values under them are not walked, their serialized form is. */
const SERIALIZED_KEYS: ReadonlySet<string> = new Set(Object.keys(LOG_SERIALIZERS));

type ChildFactory = (this: Logger, bindings: Bindings, options?: ChildLoggerOptions) => Logger;

const redactBindings = (bindings: Bindings) => redactPersonalFields(bindings, SERIALIZED_KEYS);

/**
 * A pino logger that redacts personal and secret fields (libs/pii) wherever
 * they appear in a line, in its bindings and in every descendant's bindings.
 *
 * Redaction is a formatter, not pino's `redact` paths: one walk of each line
 * instead of one per wildcard path (see redactPersonalFields). pino applies a `bindings`
 * formatter to the root's bindings only, so each `child` is handed it again.
 */
export function platformLogger(options: LoggerOptions = {}, stream?: DestinationStream): Logger {
  const logger = pino(
    {
      ...options,
      formatters: { ...options.formatters, log: (object) => redactPersonalFields(object, SERIALIZED_KEYS), bindings: redactBindings },
      serializers: { ...options.serializers, ...LOG_SERIALIZERS },
    },
    stream ?? pino.destination(1),
  );
  const child = logger.child as unknown as ChildFactory;
  const redactedChild: ChildFactory = function (bindings, childOptions) {
    return child.call(this, bindings, { ...childOptions, formatters: { bindings: redactBindings, ...childOptions?.formatters } });
  };
  // Descendants are made with Object.create(parent): they all inherit this `child`.
  logger.child = redactedChild as unknown as Logger['child'];
  return logger;
}

/** pino-http's options for a service: its logger (platformLogger), and an access line per request but for probes. */
export function httpLoggerOptions(service: string, level: string, stream?: DestinationStream): PinoHttpOptions {
  return {
    logger: platformLogger({ level, base: { service } }, stream),
    // pino-http gives its request loggers the serializers it is given (or its own, which write headers).
    serializers: LOG_SERIALIZERS,
    // Health probes and scrapes every few seconds would drown the useful lines.
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/metrics' },
    customProps: () => ({}),
  };
}

/** Structured JSON logs, redacted, with one access line per request (httpLoggerOptions). */
export function loggerModule(service: string, level: string) {
  return LoggerModule.forRoot({ pinoHttp: httpLoggerOptions(service, level) });
}

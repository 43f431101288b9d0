import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; services add their own metrics to it. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by method, route and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

export const consumedMessages = new Counter({
  name: 'kafka_consumed_messages_total',
  help: 'Consumed Kafka messages by topic and outcome (handled, duplicate, skipped, dead-lettered)',
  labelNames: ['topic', 'outcome'],
  registers: [metricsRegistry],
});

/** Events read and handed to write-behind handlers (analytics' counting), not yet stored: their offsets are not committed. */
export const eventsBeingStored = new Gauge({
  name: 'kafka_events_being_stored',
  help: 'Events handed to write-behind batch handlers and not yet stored (their offsets wait to be committed)',
  registers: [metricsRegistry],
});

@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const end = httpRequestDuration.startTimer();
    res.on('finish', () => {
      // The route pattern, not the URL: ids and link secrets must not become label values.
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      end({ method: req.method, route: `${req.baseUrl}${route}`, status: String(res.statusCode) });
    });
    next();
  }
}

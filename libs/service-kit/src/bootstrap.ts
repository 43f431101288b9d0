import 'reflect-metadata';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ConfigError } from '@feedback/config';
import { createValidationPipe } from '@feedback/http';
import { KafkaEventServer } from '@feedback/messaging';

export interface BootOptions {
  /** The service's root module, built from its validated config. */
  module: DynamicModule;
  service: string;
  description: string;
  port: number;
  host?: string;
}

/** Creates the service's Nest app: HTTP API, /docs, and its Kafka consumers in one process. */
export async function createServiceApp(options: BootOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(options.module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: '100kb' });
  app.useBodyParser('urlencoded', { limit: '100kb', extended: false });
  app.useGlobalPipes(createValidationPipe());
  app.disable('x-powered-by');
  // On SIGTERM/SIGINT Nest runs the shutdown (HTTP closed, consumers drained and
  // committed, hooks run) and then, by default, re-raises the signal, so a clean
  // stop looked like a kill (no exit code, 143 in a shell) and pino's last lines were
  // lost. process.exit(0) after the shutdown says "stopped cleanly" and flushes the
  // logs; a failing shutdown still exits 1 (e2e/faults/shutdown.faults-spec.ts).
  app.enableShutdownHooks([], { useProcessExit: true });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`${options.service} service`)
      .setDescription(options.description)
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  // inheritAppConfig: global pipes and filters reach the Kafka handlers too.
  app.connectMicroservice({ strategy: app.get(KafkaEventServer) }, { inheritAppConfig: true });
  return app;
}

/** main.ts of every service: boot, and turn the usual start-up failures into one clear line. */
export async function runService(service: string, load: () => Omit<BootOptions, 'service'>): Promise<void> {
  let port: number | undefined;
  try {
    const options = { ...load(), service };
    port = options.port;
    const app = await createServiceApp(options);
    await app.startAllMicroservices();
    await app.listen(options.port, options.host ?? '0.0.0.0');
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${service}: ${error.message}\n`);
    } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`${service}: port ${port} is already in use; stop whatever listens there or set PORT\n`);
    } else {
      process.stderr.write(`${service}: failed to start: ${(error as Error).stack ?? String(error)}\n`);
    }
    process.exit(1);
  }
}

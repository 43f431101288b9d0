import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule, type MongooseModuleOptions } from '@nestjs/mongoose';

export interface MongoSettings {
  url: string;
  /** The service's own database; no service reads another's (DESIGN.md 3). */
  dbName: string;
  /** Credentials kept out of the URL (MONGO_USERNAME / MONGO_PASSWORD). */
  auth?: { username: string; password: string };
  /** Database that holds the user (MONGO_AUTH_SOURCE); when absent the driver uses `dbName`. */
  authSource?: string;
  /** TLS on (MONGO_TLS); when absent the URL decides (`tls=true`, `mongodb+srv://`). */
  tls?: boolean;
  /** PEM file paths, read by the driver when it connects. */
  tlsCAFile?: string;
  tlsCertificateKeyFile?: string;
}

/**
 * The mongoose connection options (pure, so it can be tested). Security options
 * are set only when configured, so the local wire-protocol server keeps working.
 */
export function mongooseOptions(settings: MongoSettings): MongooseModuleOptions {
  return {
    dbName: settings.dbName,
    serverSelectionTimeoutMS: 5000,
    // Fail fast while the store is down instead of queueing writes in memory; callers retry.
    bufferCommands: false,
    autoIndex: true,
    retryWrites: false,
    ...(settings.auth ? { auth: { username: settings.auth.username, password: settings.auth.password } } : {}),
    ...(settings.authSource ? { authSource: settings.authSource } : {}),
    ...(settings.tls ? { tls: true } : {}),
    ...(settings.tlsCAFile ? { tlsCAFile: settings.tlsCAFile } : {}),
    ...(settings.tlsCertificateKeyFile ? { tlsCertificateKeyFile: settings.tlsCertificateKeyFile } : {}),
  };
}

/**
 * The service's MongoDB connection. Works unchanged on real MongoDB and on the
 * local wire-protocol server, so it relies on no transactions or change streams.
 */
@Module({})
export class MongoModule {
  static forRoot(settings: MongoSettings): DynamicModule {
    return {
      module: MongoModule,
      imports: [MongooseModule.forRoot(settings.url, mongooseOptions(settings))],
      exports: [MongooseModule],
    };
  }
}

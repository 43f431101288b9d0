import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';

export interface MongoSettings {
  url: string;
  /** The service's own database; no service reads another's (DESIGN.md 3). */
  dbName: string;
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
      imports: [
        MongooseModule.forRoot(settings.url, {
          dbName: settings.dbName,
          serverSelectionTimeoutMS: 5000,
          // Fail fast while the store is down instead of queueing writes in memory; callers retry.
          bufferCommands: false,
          autoIndex: true,
          retryWrites: false,
        }),
      ],
      exports: [MongooseModule],
    };
  }
}

import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { SettingsController } from './adapters/http/settings.controller';
import { DirectoryConsumer } from './adapters/kafka/directory.consumer';
import { BUSINESSES, BUSINESS_SETTINGS, CONVERSATIONS, REVIEWS, businessSchema, businessSettingsSchema, conversationSchema, reviewSchema } from './adapters/mongo/directory.schema';
import { DirectoryRepository } from './adapters/mongo/directory.repository';

/** Upstream facts (reviews, business profiles) and business settings. */
@Global()
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: REVIEWS, schema: reviewSchema },
      { name: BUSINESSES, schema: businessSchema },
      { name: BUSINESS_SETTINGS, schema: businessSettingsSchema },
      { name: CONVERSATIONS, schema: conversationSchema },
    ]),
  ],
  controllers: [DirectoryConsumer, SettingsController],
  providers: [DirectoryRepository],
  exports: [DirectoryRepository],
})
export class DirectoryModule {}

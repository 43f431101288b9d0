import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DirectoryConsumer } from './adapters/kafka/directory.consumer';
import { DirectoryRepository } from './adapters/mongo/directory.repository';
import { BUSINESSES, INFORMATION_REQUESTS, REVIEWS, businessSchema, informationRequestSchema, reviewSchema } from './adapters/mongo/directory.schema';

/** Reviews, business names and information-request outcomes, kept in step with their topics. */
@Global()
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: REVIEWS, schema: reviewSchema },
      { name: BUSINESSES, schema: businessSchema },
      { name: INFORMATION_REQUESTS, schema: informationRequestSchema },
    ]),
  ],
  controllers: [DirectoryConsumer],
  providers: [DirectoryRepository],
  exports: [DirectoryRepository],
})
export class DirectoryModule {}

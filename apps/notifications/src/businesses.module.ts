import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BusinessProfileConsumer } from './adapters/kafka/business-profile.consumer';
import { BusinessRepository } from './adapters/mongo/business.repository';
import { BusinessDocument, BusinessSchema } from './adapters/mongo/business.schema';

/** The business directory: business names and settings, and how to reach each business user. */
@Module({
  imports: [MongooseModule.forFeature([{ name: BusinessDocument.name, schema: BusinessSchema }])],
  controllers: [BusinessProfileConsumer],
  providers: [BusinessRepository],
  exports: [BusinessRepository],
})
export class BusinessesModule {}

import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BusinessRepository } from './adapters/mongo/business.repository';
import { BusinessDocument, BusinessSchema } from './adapters/mongo/business.schema';

/** The business directory: business names and settings, and how to reach each business user (kept by BusinessProfileConsumer, in EmailsModule). */
@Module({
  imports: [MongooseModule.forFeature([{ name: BusinessDocument.name, schema: BusinessSchema }])],
  providers: [BusinessRepository],
  exports: [BusinessRepository],
})
export class BusinessesModule {}

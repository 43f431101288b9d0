import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BusinessAccessGuard } from './adapters/http/business-access.guard';
import { BusinessProfileConsumer } from './adapters/kafka/business-profile.consumer';
import { BusinessRosterRepository } from './adapters/mongo/business-roster.repository';
import { BusinessRosterDocument, BusinessRosterSchema } from './adapters/mongo/business-roster.schema';

/**
 * Who belongs to each business and as what (upstream.businesses.v1, latest
 * profile wins), and the guard every business route of this service uses.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: BusinessRosterDocument.name, schema: BusinessRosterSchema }])],
  controllers: [BusinessProfileConsumer],
  providers: [BusinessRosterRepository, BusinessAccessGuard],
  exports: [BusinessRosterRepository, BusinessAccessGuard],
})
export class BusinessRosterModule {}

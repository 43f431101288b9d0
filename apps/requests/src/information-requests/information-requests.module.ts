import { Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxRelay } from '@feedback/service-kit';
import { InformationRequestsController } from './adapters/http/information-requests.controller';
import { InformationRequestRepository } from './adapters/mongo/information-request.repository';
import { INFORMATION_REQUESTS, informationRequestSchema } from './adapters/mongo/information-request.schema';
import { InformationRequestsService } from './information-requests.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: INFORMATION_REQUESTS, schema: informationRequestSchema }])],
  controllers: [InformationRequestsController],
  providers: [InformationRequestRepository, InformationRequestsService],
  exports: [InformationRequestsService],
})
export class InformationRequestsModule implements OnModuleInit {
  constructor(private readonly relay: OutboxRelay) {}

  onModuleInit(): void {
    this.relay.watch(INFORMATION_REQUESTS);
  }
}

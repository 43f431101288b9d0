import { Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxRelay } from '@feedback/service-kit';
import { FeedbackRequestsController } from './adapters/http/feedback-requests.controller';
import { FeedbackRequestRepository } from './adapters/mongo/feedback-request.repository';
import { FEEDBACK_REQUESTS, RECIPIENT_QUOTAS, feedbackRequestSchema, recipientQuotaSchema } from './adapters/mongo/feedback-request.schema';
import { RecipientQuotaRepository } from './adapters/mongo/recipient-quota.repository';
import { FeedbackRequestsService } from './feedback-requests.service';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: FEEDBACK_REQUESTS, schema: feedbackRequestSchema },
      { name: RECIPIENT_QUOTAS, schema: recipientQuotaSchema },
    ]),
  ],
  controllers: [FeedbackRequestsController],
  providers: [FeedbackRequestRepository, RecipientQuotaRepository, FeedbackRequestsService],
  exports: [FeedbackRequestsService],
})
export class FeedbackRequestsModule implements OnModuleInit {
  constructor(private readonly relay: OutboxRelay) {}

  onModuleInit(): void {
    this.relay.watch(FEEDBACK_REQUESTS);
  }
}

import { Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxRelay } from '@feedback/service-kit';
import { FeedbackController } from './adapters/http/feedback.controller';
import { ConversationDeletedConsumer } from './adapters/kafka/conversation-deleted.consumer';
import { FeedbackSubmittedConsumer } from './adapters/kafka/feedback-submitted.consumer';
import { FeedbackAnswerRepository } from './adapters/mongo/feedback-answer.repository';
import { FEEDBACK_ANSWERS_COLLECTION, FeedbackAnswerDocument, FeedbackAnswerSchema } from './adapters/mongo/feedback-answer.schema';
import { BusinessRosterModule } from './business-roster.module';
import { FeedbackAnswersService } from './feedback-answers.service';

/**
 * Answers to customer feedback requests (F6-F8, F10, F12, F13): write-once
 * storage with the comment encrypted, scoped business reads, erasure.
 */
@Module({
  imports: [BusinessRosterModule, MongooseModule.forFeature([{ name: FeedbackAnswerDocument.name, schema: FeedbackAnswerSchema }])],
  controllers: [FeedbackController, FeedbackSubmittedConsumer, ConversationDeletedConsumer],
  providers: [FeedbackAnswerRepository, FeedbackAnswersService],
})
export class FeedbackAnswersModule implements OnModuleInit {
  constructor(private readonly relay: OutboxRelay) {}

  onModuleInit(): void {
    // Publishes FeedbackErased events a crash or a broker outage left in the outbox.
    this.relay.watch(FEEDBACK_ANSWERS_COLLECTION);
  }
}

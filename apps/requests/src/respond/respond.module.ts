import { Module } from '@nestjs/common';
import { FeedbackRequestsModule } from '../feedback-requests/feedback-requests.module';
import { InformationRequestsModule } from '../information-requests/information-requests.module';
import { AssetsController } from './adapters/http/assets.controller';
import { RespondController } from './adapters/http/respond.controller';
import { RespondPages } from './adapters/views/respond-pages.renderer';
import { RespondForms } from './respond-forms';

/** The pages respondents reach through the links in their emails. */
@Module({
  imports: [InformationRequestsModule, FeedbackRequestsModule],
  controllers: [RespondController, AssetsController],
  providers: [RespondPages, RespondForms],
})
export class RespondModule {}

import { Module } from '@nestjs/common';
import { FeedbackRequestsModule } from '../feedback-requests/feedback-requests.module';
import { InformationRequestsModule } from '../information-requests/information-requests.module';
import { ExpirySweeper } from './expiry.sweeper';

@Module({
  imports: [InformationRequestsModule, FeedbackRequestsModule],
  providers: [ExpirySweeper],
})
export class ExpiryModule {}

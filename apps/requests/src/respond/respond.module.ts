import { Module } from '@nestjs/common';
import { InformationRequestsModule } from '../information-requests/information-requests.module';
import { AssetsController } from './adapters/http/assets.controller';
import { RespondController } from './adapters/http/respond.controller';
import { RespondPages } from './adapters/views/respond-pages.renderer';

/** The pages respondents reach through the links in their emails. */
@Module({
  imports: [InformationRequestsModule],
  controllers: [RespondController, AssetsController],
  providers: [RespondPages],
})
export class RespondModule {}

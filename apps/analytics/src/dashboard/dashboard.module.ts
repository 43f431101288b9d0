import { Module } from '@nestjs/common';
import { DashboardController } from './adapters/http/dashboard.controller';
import { DashboardPages } from './adapters/views/dashboard-page.renderer';

/** The analysts' dashboard page and its self-served assets. */
@Module({
  controllers: [DashboardController],
  providers: [DashboardPages],
})
export class DashboardModule {}

import { DynamicModule, Module } from '@nestjs/common';
import { kitOptions, ServiceKitModule } from '@feedback/service-kit';
import { AggregationModule } from './aggregation/aggregation.module';
import { AnalyticsSettings } from './analytics-settings';
import { SERVICE, sketchKey, type AnalyticsConfig } from './config';
import { DashboardModule } from './dashboard/dashboard.module';
import { keyedUniform } from './domain/noise.policy';
import { sketchPositions } from './domain/people-sketch';
import { StatsModule } from './stats/stats.module';

@Module({})
export class AppModule {
  static forRoot(config: AnalyticsConfig): DynamicModule {
    const key = sketchKey(config);
    const settings: AnalyticsSettings = {
      minGroupSize: config.ANALYTICS_MIN_GROUP_SIZE,
      positionOf: sketchPositions(key),
      noise: config.ANALYTICS_NOISE_EPSILON ? { epsilon: config.ANALYTICS_NOISE_EPSILON, uniform: keyedUniform(`${key}/noise`) } : undefined,
      rollupIntervalMs: config.ANALYTICS_ROLLUP_INTERVAL,
    };
    return {
      module: AppModule,
      global: true,
      imports: [ServiceKitModule.forRoot(kitOptions(SERVICE, config)), AggregationModule, StatsModule, DashboardModule],
      providers: [{ provide: AnalyticsSettings, useValue: settings }],
      exports: [AnalyticsSettings],
    };
  }
}

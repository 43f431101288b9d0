import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const suppressedNote = 'Every figure is a number, or `{"suppressed": true}` when it may not be published (A2); ratios are null when there is nothing to divide.';

const exampleGroup = {
  feedback: {
    requested: 40,
    answered: 25,
    declined: 3,
    expired: 2,
    responseRate: 0.625,
    csat: { count: 20, mean: 4.1, distribution: { '1': 1, '2': 0, '3': 2, '4': 10, '5': 7 } },
    nps: { count: 5, score: 20, promoters: 2, passives: 2, detractors: 1 },
    custom: { Fast: 3 },
    timeToAnswer: { under1h: 10, '1hTo6h': 8, '6hTo24h': 4, '1dTo3d': 2, '3dTo7d': 1, over7d: 0 },
  },
  information: {
    requested: 12,
    answered: 6,
    declined: 2,
    expired: 1,
    sharedFields: { email: 5, referenceNumber: 4, fullName: 3, phone: 1 },
    timeToAnswer: { under1h: 1, '1hTo6h': 2, '6hTo24h': 2, '1dTo3d': 1, '3dTo7d': 0, over7d: 0 },
  },
  reports: { byReason: { not_genuine_experience: 0, spam: 1, harmful: 0, conflict_of_interest: 0, other: 0 }, byDecision: { removed: 1, kept: 0 } },
};

export class StatsGroupView {
  @ApiProperty({ description: `requested, answered, declined, expired, responseRate, csat {count, mean, distribution 1–5}, nps {count, score, promoters, passives, detractors}, custom {label: count}, timeToAnswer. ${suppressedNote}`, example: exampleGroup.feedback })
  feedback!: Record<string, unknown>;

  @ApiProperty({ description: `requested, answered, declined, expired, sharedFields (counts of field names, never values), timeToAnswer. ${suppressedNote}`, example: exampleGroup.information })
  information!: Record<string, unknown>;

  @ApiProperty({ description: `byReason and byDecision counts. ${suppressedNote}`, example: exampleGroup.reports })
  reports!: Record<string, unknown>;
}

export class StatsBucketView extends StatsGroupView {
  @ApiProperty({ example: '2026-11-21', description: 'first day of the bucket inside the range' })
  start!: string;

  @ApiProperty({ example: '2026-11-21', description: 'last day of the bucket inside the range' })
  end!: string;
}

export class StatsView {
  @ApiProperty({ type: String, nullable: true, example: 'b1', description: 'null for the overview' })
  businessId!: string | null;

  @ApiProperty({ example: '2026-11-01' })
  from!: string;

  @ApiProperty({ example: '2026-11-30' })
  to!: string;

  @ApiProperty({ enum: ['day', 'week', 'month'] })
  granularity!: string;

  @ApiProperty({ example: 10, description: 'groups of fewer than k distinct people are suppressed (ANALYTICS_MIN_GROUP_SIZE)' })
  k!: number;

  @ApiPropertyOptional({ example: { epsilon: 1 }, description: 'present when figures carry Laplace noise (ANALYTICS_NOISE_EPSILON)' })
  noise?: { epsilon: number };

  @ApiProperty({ type: [StatsBucketView] })
  buckets!: StatsBucketView[];

  @ApiProperty({ type: StatsGroupView, description: 'the bucket shape over the whole range' })
  totals!: StatsGroupView;
}

export class BusinessView {
  @ApiProperty()
  businessId!: string;

  @ApiPropertyOptional({ description: 'from the latest BusinessProfileUpdated' })
  name?: string;
}

export class BusinessListView {
  @ApiProperty({ type: [BusinessView] })
  items!: BusinessView[];
}

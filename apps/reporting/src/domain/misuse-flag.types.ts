import type { ReportingFigures } from './fairness.policy';

/** The figures of one fairness evaluation. */
export interface EvaluatedFigures extends ReportingFigures {
  pValue: number;
  evaluatedAt: Date;
}

/** A business flagged for selective reporting (R6); `cleared` once the test is no longer significant. */
export interface MisuseFlag {
  id: string;
  businessId: string;
  sequence: number;
  status: 'active' | 'cleared';
  raisedAt: Date;
  reportId: string;
  raisedWith: EvaluatedFigures;
  latest?: EvaluatedFigures;
  clearedAt?: Date;
}

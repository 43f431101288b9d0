import type { ReportDecision, ReportReason } from '@feedback/contracts';

export type { ReportDecision, ReportReason };

/** `open` until the integrity team decides (R5). */
export type ReportStatus = 'open' | ReportDecision;

/** The review as it was when it was reported: the evidence, and its weight in the fairness test (R6). */
export interface ReviewSnapshot {
  reviewerId: string;
  rating: number;
  source: 'organic' | 'invited';
  language: string;
  publishedAt: Date;
}

/** What the platform stores of a documented file; the bytes live, sealed, in GridFS. */
export interface DocumentationFile {
  fileId: string;
  contentType: AcceptedFileType;
  size: number;
}

export type AcceptedFileType = 'application/pdf' | 'image/png' | 'image/jpeg';

/** The reviewer's documentation step (R3); only for `not_genuine_experience`. */
export interface DocumentationRecord {
  requestedAt: Date;
  expiresAt: Date;
  submittedAt?: Date;
  file?: DocumentationFile;
}

/** `requested` until submitted or past its deadline. */
export type DocumentationStatus = 'requested' | 'submitted' | 'expired';

export interface Report {
  id: string;
  businessId: string;
  reviewId: string;
  reason: ReportReason;
  details?: string;
  /** The business user who reported; told the outcome (R5). */
  reportedBy: string;
  reportedAt: Date;
  status: ReportStatus;
  decidedBy?: string;
  decidedAt?: Date;
  review: ReviewSnapshot;
  documentation?: DocumentationRecord;
}

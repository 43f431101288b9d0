import { z } from 'zod';
import { event, id, isoDateTime, topic } from '../topic';

export const reportReasonSchema = z.enum(['not_genuine_experience', 'spam', 'harmful', 'conflict_of_interest', 'other']);
export const reportDecisionSchema = z.enum(['removed', 'kept']);

const reportRef = { reportId: id(), businessId: id(), reviewId: id() };

export const reviewReportedSchema = z.object({ ...reportRef, reason: reportReasonSchema, reportedBy: id(), reportedAt: isoDateTime() });

/** The reviewer is asked to document the experience (R3); only for `not_genuine_experience`. */
export const documentationRequestedSchema = z.object({ ...reportRef, reviewerId: id(), requestedAt: isoDateTime(), expiresAt: isoDateTime() });
export const documentationSubmittedSchema = z.object({ ...reportRef, hasFile: z.boolean(), submittedAt: isoDateTime() });

export const reportResolvedSchema = z.object({
  ...reportRef,
  reason: reportReasonSchema,
  decision: reportDecisionSchema,
  /** The business user who reported; they are told the outcome (R5). */
  reportedBy: id(),
  decidedBy: id(),
  decidedAt: isoDateTime(),
});

/** Selective reporting detected for a business (R6). */
export const reportingMisuseFlaggedSchema = z.object({
  /** The report whose re-evaluation raised the flag; keys the message, as every event of reports.v1. */
  reportId: id(),
  businessId: id(),
  reports: z.number().int().nonnegative(),
  negativeReports: z.number().int().nonnegative(),
  reviews: z.number().int().nonnegative(),
  negativeReviews: z.number().int().nonnegative(),
  pValue: z.number().min(0).max(1),
  flaggedAt: isoDateTime(),
});

export const reportsTopic = topic('reports.v1', 'reportId', {
  ReviewReported: event('ReviewReported', reviewReportedSchema),
  DocumentationRequested: event('DocumentationRequested', documentationRequestedSchema),
  DocumentationSubmitted: event('DocumentationSubmitted', documentationSubmittedSchema),
  ReportResolved: event('ReportResolved', reportResolvedSchema),
  ReportingMisuseFlagged: event('ReportingMisuseFlagged', reportingMisuseFlaggedSchema),
});

export type ReportReason = z.infer<typeof reportReasonSchema>;
export type ReportDecision = z.infer<typeof reportDecisionSchema>;
export type ReviewReported = z.infer<typeof reviewReportedSchema>;
export type DocumentationRequested = z.infer<typeof documentationRequestedSchema>;
export type DocumentationSubmitted = z.infer<typeof documentationSubmittedSchema>;
export type ReportResolved = z.infer<typeof reportResolvedSchema>;
export type ReportingMisuseFlagged = z.infer<typeof reportingMisuseFlaggedSchema>;

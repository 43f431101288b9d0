import type { KeyRing } from '@feedback/pii';
import type { KnownInformationRequest } from '../../../domain/directory.types';
import { documentationContext, documentationStatus } from '../../../domain/documentation.policy';
import type { SelectiveReportingMeter } from '../../../domain/fairness.policy';
import type { Report } from '../../../domain/report.types';
import type { StoredReport } from '../mongo/report.repository';
import type { BusinessReportView, InformationRequestEvidenceView, IntegrityReportView, SelectiveReportingMeterView } from './dto/report.dto';

/** What a business sees of its report: the documentation, and who decided, stay with the integrity team (R7). */
export function toBusinessView(report: Report): BusinessReportView {
  return {
    id: report.id,
    businessId: report.businessId,
    reviewId: report.reviewId,
    reason: report.reason,
    ...(report.details ? { details: report.details } : {}),
    status: report.status,
    reportedBy: report.reportedBy,
    reportedAt: report.reportedAt.toISOString(),
    ...(report.decidedAt ? { decidedAt: report.decidedAt.toISOString() } : {}),
  };
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

export function toMeterView(meter: SelectiveReportingMeter): SelectiveReportingMeterView {
  const shares = `${percent(meter.reportsNegativeShare)} of your reports are of negative reviews (rated 1 or 2), against ${percent(meter.reviewsNegativeShare)} of all your reviews.`;
  const message =
    meter.level === 'flagged'
      ? `${shares} Your reports concentrate on negative reviews far more than your reviews do, so your reporting has been flagged for the platform's integrity team.`
      : meter.level === 'caution'
        ? `${shares} Report reviews for what they contain, not for their rating: reporting mostly negative reviews gets a business flagged for selective reporting.`
        : shares;
  return { ...meter, message };
}

function requestEvidence(request: KnownInformationRequest): InformationRequestEvidenceView {
  return {
    requestId: request.requestId,
    outcome: request.outcome,
    ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
    ...(request.requestedAt ? { requestedAt: request.requestedAt.toISOString() } : {}),
    ...(request.expiresAt ? { expiresAt: request.expiresAt.toISOString() } : {}),
    ...(request.concludedAt ? { concludedAt: request.concludedAt.toISOString() } : {}),
    ...(request.sharedFields ? { sharedFields: request.sharedFields } : {}),
    ...(request.identification ? { identification: { identified: request.identification.identified, recordedAt: request.identification.recordedAt.toISOString() } } : {}),
  };
}

/** The report with all its evidence, for the integrity team only (R5, R7): the reviewer's text is opened here. */
export function toIntegrityView(report: StoredReport, informationRequests: KnownInformationRequest[], keyRing: KeyRing, now = new Date()): IntegrityReportView {
  const documentation = report.documentation;
  return {
    ...toBusinessView(report),
    ...(report.decidedBy ? { decidedBy: report.decidedBy } : {}),
    evidence: {
      review: {
        reviewId: report.reviewId,
        reviewerId: report.review.reviewerId,
        rating: report.review.rating,
        source: report.review.source,
        language: report.review.language,
        publishedAt: report.review.publishedAt.toISOString(),
      },
      informationRequests: informationRequests.filter((request) => request.businessId === report.businessId).map(requestEvidence),
      ...(documentation
        ? {
            documentation: {
              status: documentationStatus(documentation, now)!,
              requestedAt: documentation.requestedAt.toISOString(),
              expiresAt: documentation.expiresAt.toISOString(),
              ...(documentation.submittedAt ? { submittedAt: documentation.submittedAt.toISOString() } : {}),
              ...(report.sealedDescription ? { description: keyRing.open(report.sealedDescription, documentationContext(report.id)) } : {}),
              ...(documentation.file
                ? { file: { contentType: documentation.file.contentType, size: documentation.file.size, url: `/v1/integrity/reports/${report.id}/documentation/file` } }
                : {}),
            },
          }
        : {}),
    },
  };
}

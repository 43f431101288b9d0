/** The settings the requests use cases need, from the validated config (see app.module.ts). */
export abstract class RequestsSettings {
  abstract readonly informationRequestWindowMs: number;
  abstract readonly feedbackRequestWindowMs: number;
  abstract readonly expirySweepIntervalMs: number;
  /** F14: feedback requests per person per 24 h, from one business and across the platform. */
  abstract readonly recipientLimits: { perBusiness: number; platform: number };
  /** Key that verifies respondent links (the one notifications signs them with). */
  abstract readonly respondentLinkKey: string;
}

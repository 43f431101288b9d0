/** The settings the requests use cases need, from the validated config (see app.module.ts). */
export abstract class RequestsSettings {
  abstract readonly informationRequestWindowMs: number;
  abstract readonly feedbackRequestWindowMs: number;
  abstract readonly expirySweepIntervalMs: number;
  /** Key that verifies respondent links (the one notifications signs them with). */
  abstract readonly respondentLinkKey: string;
}

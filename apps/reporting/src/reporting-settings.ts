/** The settings the reporting use cases need, from the validated config (see app.module.ts). */
export abstract class ReportingSettings {
  /** R3: how long a reviewer has to send documentation (DOCUMENTATION_WINDOW). */
  abstract readonly documentationWindowMs: number;
  /** R3: the largest file a reviewer may attach. */
  abstract readonly documentationMaxFileBytes: number;
  /** How often the fairness re-evaluation of missed reports runs (EXPIRY_SWEEP_INTERVAL). */
  abstract readonly sweepIntervalMs: number;
  /** Key that verifies documentation links (the one notifications signs them with). */
  abstract readonly respondentLinkKey: string;
}

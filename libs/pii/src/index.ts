/** @feedback/pii: personal data handling shared by every service: encryption at rest, log redaction, masking. */
export * from './key-ring';
export * from './redaction';

/**
 * A refused request, with its HTTP status and the machine-readable code of
 * DESIGN.md section 2 (`no_prior_interaction`, `already_requested`, ...).
 * Policies return or throw these; one filter maps them to `{statusCode, error, message}`.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** The JSON body of every error response (DESIGN.md 3.3). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** For `validation_failed`: the failing fields and why. */
  fields?: { field: string; problems: string[] }[];
  [extra: string]: unknown;
}

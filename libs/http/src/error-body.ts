import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError, type ErrorBody } from './domain-error';

/** Codes for statuses that reach the filter without a domain code. */
const DEFAULT_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  410: 'expired',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'unavailable',
};

export function defaultCode(status: number): string {
  return DEFAULT_CODES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

/**
 * Turns anything thrown while handling a request into the contract's error body.
 * Unknown errors become a 500 whose message reveals nothing internal.
 */
export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof DomainError) {
    return { statusCode: exception.statusCode, error: exception.code, message: exception.message, ...exception.details };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'object' && response !== null && typeof (response as ErrorBody).error === 'string' && (response as ErrorBody).error.includes('_')) {
      return { ...(response as ErrorBody), statusCode: status };
    }
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? ((response as { message: string[] }).message).join('; ')
          : String((response as { message?: unknown }).message ?? exception.message);
    return { statusCode: status, error: defaultCode(status), message };
  }
  // body-parser errors carry a status (413 for too large, 400 for bad JSON).
  const status = (exception as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const type = (exception as { type?: string }).type;
    const message = type === 'entity.parse.failed' ? 'request body is not valid JSON' : (exception as Error).message;
    return { statusCode: status, error: type === 'entity.parse.failed' ? 'invalid_json' : defaultCode(status), message };
  }
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'internal_error', message: 'an unexpected error occurred' };
}

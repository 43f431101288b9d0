import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { DomainError } from './domain-error';
import { toErrorBody } from './error-body';
import { decodeCursor, encodeCursor } from './paging';

describe('toErrorBody', () => {
  it('keeps the code of a domain error', () => {
    expect(toErrorBody(new DomainError(422, 'no_prior_interaction', 'no conversation with this person'))).toEqual({
      statusCode: 422,
      error: 'no_prior_interaction',
      message: 'no conversation with this person',
    });
  });

  it('gives framework exceptions a code for their status', () => {
    expect(toErrorBody(new NotFoundException('Cannot GET /nope'))).toMatchObject({ statusCode: 404, error: 'not_found' });
    expect(toErrorBody(new ForbiddenException())).toMatchObject({ statusCode: 403, error: 'forbidden' });
  });

  it('maps body-parser failures to clear 4xx codes', () => {
    expect(toErrorBody(Object.assign(new Error('x'), { status: 400, type: 'entity.parse.failed' }))).toMatchObject({ statusCode: 400, error: 'invalid_json' });
    expect(toErrorBody(Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' }))).toMatchObject({ statusCode: 413, error: 'payload_too_large' });
  });

  it('hides the details of an unexpected error', () => {
    expect(toErrorBody(new Error('connection string mongodb://secret'))).toEqual({ statusCode: 500, error: 'internal_error', message: 'an unexpected error occurred' });
  });
});

describe('cursor', () => {
  it('round-trips and refuses garbage', () => {
    const at = new Date('2026-11-21T10:00:00.000Z');
    expect(decodeCursor(encodeCursor({ at, id: 'r1' }))).toEqual({ at, id: 'r1' });
    expect(decodeCursor('not-a-cursor')).toBeUndefined();
  });
});

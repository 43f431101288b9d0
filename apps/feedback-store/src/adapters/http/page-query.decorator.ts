import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { decodeCursor, DEFAULT_PAGE_SIZE, DomainError, MAX_PAGE_SIZE, type CursorPosition } from '@feedback/http';

/** A list's paging (DESIGN.md 3.3): the page size and the position after which to continue. */
export interface PageRequest {
  limit: number;
  after?: CursorPosition;
}

/**
 * Reads `?limit` (integer 1-200, default 50) and `?cursor` (a `nextCursor` of
 * the same list) from the raw query. A custom decorator, so the global
 * ValidationPipe does not coerce the strings first (`+'1e2'` would pass as 100);
 * anything else is a 400 `validation_failed` naming the parameter.
 */
export const PageQuery = createParamDecorator((_: unknown, ctx: ExecutionContext): PageRequest => {
  const query = ctx.switchToHttp().getRequest<Request>().query as Record<string, unknown>;
  const after = cursorOf(query.cursor);
  return { limit: pageSizeOf(query.limit), ...(after ? { after } : {}) };
});

function pageSizeOf(value: unknown): number {
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  const size = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw invalidQuery('limit', `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  return size;
}

function cursorOf(value: unknown): CursorPosition | undefined {
  if (value === undefined) return undefined;
  const decoded = typeof value === 'string' ? decodeCursor(value) : undefined;
  if (!decoded) throw invalidQuery('cursor', 'is not a cursor returned by this list');
  return decoded;
}

function invalidQuery(field: string, problem: string): DomainError {
  return new DomainError(400, 'validation_failed', `${field}: ${problem}`, { fields: [{ field, problems: [problem] }] });
}

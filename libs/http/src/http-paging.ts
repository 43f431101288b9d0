import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { DomainError } from './domain-error';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, type CursorPosition, type Page } from './paging';

const ID = /^[A-Za-z0-9._:-]{1,200}$/;

/** Path ids are checked up front: a malformed one is a 400, never a store query. */
export function checkId(value: string, name: string): void {
  if (!ID.test(value)) throw new DomainError(400, 'validation_failed', `${name} is not a valid id`, { fields: [{ field: name, problems: ['not a valid id'] }] });
}

/** `?limit` (default 50, max 200) and `?cursor` of every list (DESIGN.md 3.3). */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

/** One page of a newest-first list: fetches one extra item to know whether there is a next page. */
export async function pageOf<T extends { id: string }, V>(
  query: { limit?: number; cursor?: string },
  fetch: (limit: number, cursor?: CursorPosition) => Promise<T[]>,
  sortedAt: (item: T) => Date,
  view: (items: T[]) => Promise<V[]> | V[],
): Promise<Page<V>> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (query.cursor !== undefined && !cursor) {
    throw new DomainError(400, 'validation_failed', 'cursor is not valid', { fields: [{ field: 'cursor', problems: ['not a cursor of this list'] }] });
  }
  const items = await fetch(limit + 1, cursor);
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  return { items: await view(page), ...(items.length > limit && last ? { nextCursor: encodeCursor({ at: sortedAt(last), id: last.id }) } : {}) };
}

/** List paging of DESIGN.md 3.3: `?limit` (default 50, max 200) and an opaque `?cursor`. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** A position in a newest-first list: the sort time and id of the last item seen. */
export interface CursorPosition {
  at: Date;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ at: position.at.toISOString(), id: position.id })).toString('base64url');
}

/** Returns undefined for a cursor that is not one of ours (the caller answers 400). */
export function decodeCursor(cursor: string): CursorPosition | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { at?: unknown; id?: unknown };
    if (typeof parsed.at !== 'string' || typeof parsed.id !== 'string') return undefined;
    const at = new Date(parsed.at);
    return Number.isNaN(at.getTime()) ? undefined : { at, id: parsed.id };
  } catch {
    return undefined;
  }
}

import { duplicateKeyPositions, isDuplicateKeyError } from './mongo-errors';

describe('isDuplicateKeyError', () => {
  it('is true for a duplicate key, and for a bulk write whose every failure is one', () => {
    expect(isDuplicateKeyError({ code: 11000 })).toBe(true);
    expect(isDuplicateKeyError({ writeErrors: [{ code: 11000 }, { code: 11000 }] })).toBe(true);
    expect(isDuplicateKeyError({ writeErrors: { code: 11000 } })).toBe(true);
  });

  it('is false for any other failure, even among duplicates', () => {
    expect(isDuplicateKeyError({ code: 121 })).toBe(false);
    expect(isDuplicateKeyError({ writeErrors: [{ code: 11000 }, { code: 2 }] })).toBe(false);
    expect(isDuplicateKeyError({ writeErrors: [] })).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
  });
});

describe('duplicateKeyPositions', () => {
  it('names the writes of a bulk write that met a duplicate key', () => {
    expect(duplicateKeyPositions({ writeErrors: [{ code: 11000, index: 3 }, { code: 11000, index: 0 }] })).toEqual(new Set([0, 3]));
    expect(duplicateKeyPositions({ writeErrors: { code: 11000, index: 2 } })).toEqual(new Set([2]));
  });

  it('says nothing (rethrow) for any other error, or when a position is missing', () => {
    expect(duplicateKeyPositions({ writeErrors: [{ code: 11000, index: 1 }, { code: 2, index: 2 }] })).toBeUndefined();
    expect(duplicateKeyPositions({ code: 11000 })).toBeUndefined();
    expect(duplicateKeyPositions({ writeErrors: [{ code: 11000 }] })).toBeUndefined();
    expect(duplicateKeyPositions(new Error('network'))).toBeUndefined();
  });
});

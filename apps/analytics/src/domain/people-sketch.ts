import { createHmac } from 'node:crypto';

/**
 * How analytics counts distinct people (A2) without keeping who they are (A1).
 *
 * Each person id is mapped, with a keyed hash (HMAC-SHA256 under a secret that
 * lives in configuration, never in the database), to one of SKETCH_POSITIONS
 * positions; a group keeps the SET of positions of its people, never an id or
 * a hash of one. Thousands of people share each position, so a position cannot
 * be turned back into a person. Sets merge by union across days and businesses
 * (one key for all groups, so the same person lands on the same position
 * everywhere and is counted once).
 *
 * The size of the union is a LOWER bound on the distinct people behind a group:
 * two people can share a position (then the group looks smaller), one person
 * never occupies two. A group therefore clears k only if it really has k people;
 * collisions can only suppress more, never less. With 4,096 positions a group of
 * ten loses one person to a collision about 1 % of the time.
 *
 * A day stops taking positions once it holds STORED_POSITIONS_CAP (one batch of
 * events may top it up to twice that): more are never needed to decide a
 * threshold k up to the cap, and a capped set is still a lower bound.
 */
export const SKETCH_POSITIONS = 4096;
export const STORED_POSITIONS_CAP = 256;

export type PositionOf = (personId: string) => number;

export function sketchPositions(key: string): PositionOf {
  return (personId) => createHmac('sha256', key).update(personId, 'utf8').digest().readUInt32BE(0) % SKETCH_POSITIONS;
}

/** The number of distinct positions among several groups' sets: a lower bound on their distinct people. */
export function peopleInUnion(sets: Iterable<readonly number[]>): number {
  const union = new Set<number>();
  for (const set of sets) for (const position of set) union.add(position);
  return union.size;
}

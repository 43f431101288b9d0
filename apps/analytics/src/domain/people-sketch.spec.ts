import { peopleInUnion, sketchPositions, SKETCH_POSITIONS } from './people-sketch';

describe('people sketch', () => {
  const positionOf = sketchPositions('a-test-key-that-is-long-enough-123456');

  it('maps a person to the same position every time, within range, depending on the key', () => {
    expect(positionOf('user-1')).toBe(positionOf('user-1'));
    expect(positionOf('user-1')).toBeGreaterThanOrEqual(0);
    expect(positionOf('user-1')).toBeLessThan(SKETCH_POSITIONS);
    const other = sketchPositions('another-key-that-is-long-enough-654321');
    const differing = Array.from({ length: 20 }, (_, i) => `user-${i}`).filter((id) => other(id) !== positionOf(id));
    expect(differing.length).toBeGreaterThan(15);
  });

  it('counts a person once across groups and never more people than there are', () => {
    const a = ['u1', 'u2', 'u3'].map(positionOf);
    const b = ['u3', 'u4'].map(positionOf);
    expect(peopleInUnion([a, b])).toBeLessThanOrEqual(4);
    expect(peopleInUnion([a, a, a])).toBeLessThanOrEqual(3);
    const many = Array.from({ length: 500 }, (_, i) => positionOf(`person-${i}`));
    expect(peopleInUnion([many])).toBeLessThanOrEqual(500);
    expect(peopleInUnion([many])).toBeGreaterThan(450);
  });
});

import { OffsetLedger } from './offset-ledger';

const T = 'feedback.requests.v1';

describe('OffsetLedger: a partition is committed only past runs that are all stored', () => {
  it('commits nothing while the first run is pending, even when later ones are stored', () => {
    const ledger = new OffsetLedger();
    const first = ledger.add(T, 0, '99');
    const second = ledger.add(T, 0, '199');
    ledger.settle(second, true);
    expect(ledger.committable()).toEqual([]);
    expect(ledger.hasPending()).toBe(true);
    ledger.settle(first, true);
    expect(ledger.committable()).toEqual([{ topic: T, partition: 0, offset: '200' }]);
    expect(ledger.hasPending()).toBe(false);
  });

  it('moves to the end of the stored prefix and stops at the first run not stored', () => {
    const ledger = new OffsetLedger();
    const runs = ['9', '19', '29', '39'].map((last) => ledger.add(T, 1, last));
    ledger.settle(runs[0]!, true);
    ledger.settle(runs[1]!, true);
    ledger.settle(runs[3]!, true);
    expect(ledger.committable()).toEqual([{ topic: T, partition: 1, offset: '20' }]);
  });

  it('holds a partition behind a run that failed, and keeps the others moving', () => {
    const ledger = new OffsetLedger();
    const failed = ledger.add(T, 0, '9');
    const after = ledger.add(T, 0, '19');
    const other = ledger.add(T, 2, '4');
    ledger.settle(failed, false);
    ledger.settle(after, true);
    ledger.settle(other, true);
    // Settling a failed run again as stored changes nothing: it was given up on.
    ledger.settle(failed, true);
    expect(ledger.committable()).toEqual([{ topic: T, partition: 2, offset: '5' }]);
  });

  it('offers a position once until it moves again', () => {
    const ledger = new OffsetLedger();
    ledger.settle(ledger.add(T, 0, '9'), true);
    const commits = ledger.committable();
    ledger.committed(commits);
    expect(ledger.committable()).toEqual([]);
    ledger.settle(ledger.add(T, 0, '19'), true);
    expect(ledger.committable()).toEqual([{ topic: T, partition: 0, offset: '20' }]);
  });

  it('keeps topics apart and handles offsets beyond 2^53', () => {
    const ledger = new OffsetLedger();
    ledger.settle(ledger.add(T, 0, '9007199254740993'), true);
    ledger.settle(ledger.add('reports.v1', 0, '3'), true);
    expect(ledger.committable()).toEqual([
      { topic: T, partition: 0, offset: '9007199254740994' },
      { topic: 'reports.v1', partition: 0, offset: '4' },
    ]);
  });

  it('refuses a run added out of offset order (it would let the position skip a run)', () => {
    const ledger = new OffsetLedger();
    ledger.add(T, 0, '19');
    expect(() => ledger.add(T, 0, '9')).toThrow(/added after one up to 19/);
    const stored = new OffsetLedger();
    stored.settle(stored.add(T, 0, '19'), true);
    expect(() => stored.add(T, 0, '19')).toThrow(/added after/);
  });
});

import { planDayWrite } from './day-guard';

const events = (...ids: string[]) => ids.map((eventId) => ({ eventId }));
const ids = (list: { eventId: string }[]) => list.map((e) => e.eventId);

describe('planDayWrite', () => {
  it('adds and records fresh events, and leaves them pending until recorded', () => {
    const plan = planDayWrite(events('a', 'b'), undefined, new Set());
    expect(ids(plan.increment)).toEqual(['a', 'b']);
    expect(ids(plan.record)).toEqual(['a', 'b']);
    expect(plan.pending).toEqual(['a', 'b']);
  });

  it('skips events already recorded: counted before, nothing to add or record', () => {
    const plan = planDayWrite(events('a', 'b'), { rev: 3, pending: new Set() }, new Set(['a']));
    expect(ids(plan.increment)).toEqual(['b']);
    expect(ids(plan.record)).toEqual(['b']);
  });

  it('does not add again an event pending without its record (an attempt stopped before recording), but records it', () => {
    const plan = planDayWrite(events('a', 'b'), { rev: 3, pending: new Set(['a']) }, new Set());
    expect(ids(plan.increment)).toEqual(['b']);
    expect(ids(plan.record)).toEqual(['a', 'b']);
    expect(plan.pending).toEqual(['a', 'b']);
  });

  it('takes off pending only the ids recorded by now: an unrecorded one stays, whoever wrote it', () => {
    const plan = planDayWrite(events('c'), { rev: 7, pending: new Set(['a', 'b']) }, new Set(['a']));
    expect(plan.pending).toEqual(['b', 'c']);
  });

  it('counts an event repeated inside the batch once', () => {
    const plan = planDayWrite(events('a', 'a'), undefined, new Set());
    expect(ids(plan.increment)).toEqual(['a']);
    expect(ids(plan.record)).toEqual(['a']);
    expect(plan.pending).toEqual(['a']);
  });

  it('plans no increment when every event is counted already', () => {
    const plan = planDayWrite(events('a', 'b'), { rev: 1, pending: new Set(['b']) }, new Set(['a']));
    expect(plan.increment).toEqual([]);
    expect(ids(plan.record)).toEqual(['b']);
  });
});

// What a bench figure is, and whether it meets the goal issue #9 set for it.
// Pure: scenarios produce figures, the reporter renders evaluated ones.

/** A goal, stated against the figure itself or against its baseline. */
export type Goal =
  /** figure / baseline must be at least `min` (throughput against a bare-tool baseline). */
  | { kind: 'ratio-at-least'; min: number }
  /** figure / baseline must be at most `max` (read latency at 1M against 10k events). */
  | { kind: 'ratio-at-most'; max: number }
  /** the figure itself must be at most `max`, in its own unit (p99 ms, RSS MB). */
  | { kind: 'at-most'; max: number };

export interface Figure {
  scenario: string;
  /** What was measured, e.g. "throughput", "p99", "peak RSS analytics". */
  name: string;
  /** NaN when the measurement could not be made (a failed scenario): it never meets a goal. */
  value: number;
  unit: string;
  /** Context shown beside the value, e.g. "200,000 events". */
  note?: string;
  baseline?: { label: string; value: number };
  goal?: Goal;
}

export interface EvaluatedFigure extends Figure {
  /** value / baseline, when there is a baseline. */
  ratio?: number;
  /** undefined when the figure has no goal (shown for information). */
  met?: boolean;
}

export function evaluate(figure: Figure): EvaluatedFigure {
  const ratio = figure.baseline ? figure.value / figure.baseline.value : undefined;
  const goal = figure.goal;
  if (!goal) return { ...figure, ratio };
  let met: boolean;
  switch (goal.kind) {
    case 'ratio-at-least':
      met = ratio !== undefined && Number.isFinite(ratio) && ratio >= goal.min;
      break;
    case 'ratio-at-most':
      met = ratio !== undefined && Number.isFinite(ratio) && ratio <= goal.max;
      break;
    case 'at-most':
      met = Number.isFinite(figure.value) && figure.value <= goal.max;
      break;
  }
  return { ...figure, ratio, met };
}

/** The goal as a reader sees it in the table. */
export function describeGoal(goal: Goal | undefined, unit: string): string {
  if (!goal) return '';
  switch (goal.kind) {
    case 'ratio-at-least':
      return `>= ${goal.min}x baseline`;
    case 'ratio-at-most':
      return `<= ${goal.max}x baseline`;
    case 'at-most':
      return `<= ${goal.max} ${unit}`;
  }
}

/**
 * The figures with a goal that could not be judged: the figure or its baseline was not
 * measured (NaN, say a pipeline that did not finish in time, or a service whose memory was
 * never sampled) or the baseline is zero. The run then did not do its job, whatever the
 * other figures say, so the bench exits non-zero. Figures shown for information only (the
 * pipeline's ceiling) may be missing without that.
 */
export function unjudged(figures: readonly EvaluatedFigure[]): EvaluatedFigure[] {
  return figures.filter((figure) => {
    if (!figure.goal) return false;
    if (!Number.isFinite(figure.value)) return true;
    return figure.baseline !== undefined && !(Number.isFinite(figure.baseline.value) && figure.baseline.value > 0);
  });
}

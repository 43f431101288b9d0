/**
 * ISO-8601 durations (`PT72H`, `P7D`, `PT1M`, `P1DT12H`, `PT0.5S`) as milliseconds.
 * Years and months are refused: their length depends on the calendar, and every
 * window in this platform is a fixed length of time.
 */
const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function parseIsoDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === 'P' || text.trim().endsWith('T')) {
    throw new Error(`"${text}" is not an ISO-8601 duration such as PT72H, P7D or PT30S (years and months are not allowed)`);
  }
  const [, weeks, days, hours, minutes, seconds] = match;
  const ms =
    Number(weeks ?? 0) * 7 * 86_400_000 +
    Number(days ?? 0) * 86_400_000 +
    Number(hours ?? 0) * 3_600_000 +
    Number(minutes ?? 0) * 60_000 +
    Math.round(Number(seconds ?? 0) * 1000);
  if (ms <= 0) throw new Error(`"${text}" must be longer than zero`);
  return ms;
}

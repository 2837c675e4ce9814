/**
 * The one way the UI shows a moment: in the browser's time zone, with the zone's name, so an
 * administrator comparing the UI with a log or a phone call knows which clock is meant.
 *
 * `{dateStyle: 'medium', timeStyle: 'long'}` is the spelling browsers accept of "medium date,
 * medium time, short zone name": `timeZoneName` cannot be combined with `dateStyle`/`timeStyle`
 * (a TypeError), and the long time style is the medium one plus the short zone name ("PST").
 */
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' });

/** A date-time of the API (ISO 8601) as the administrator reads it; `none` when there is none. */
export function formatDateTime(value: string | Date | null | undefined, none = '—'): string {
  if (value === null || value === undefined || value === '') return none;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : DATE_TIME.format(date);
}

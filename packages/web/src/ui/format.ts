/** Shared display formats for the pages. */

/** "12.3 KB" */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "1 Dec 2026, 13:50": the one date format of every page; "—" when there is none. */
export function formatWhen(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

// R6: election dates. Real files write `YYYY-MM-DD HH:MM:SS` with no zone, which PyYAML turns into
// a naive datetime that Elekto compares with the container clock (UTC). With a failsafe/1.2 schema
// they reach us as text, so we parse them ourselves and read a missing zone as UTC.

export type DatetimeResult = { ok: true; date: Date; dateOnly: boolean } | { ok: false; reason: string };

const PATTERN =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:[ \t]*(Z|z|UTC|[+-]\d{1,2}(?::?\d{2})?))?)?$/;

export const DATETIME_HINT = 'expected a date and time like "2024-05-01 00:00:00" (UTC unless a zone is given)';

export function parseMetaDatetime(raw: unknown): DatetimeResult {
  if (raw instanceof Date) {
    return Number.isNaN(raw.getTime()) ? { ok: false, reason: DATETIME_HINT } : { ok: true, date: raw, dateOnly: false };
  }
  if (typeof raw !== 'string') return { ok: false, reason: DATETIME_HINT };
  // A `# comment` is already gone from plain scalars; strip it from quoted ones too.
  const text = raw.replace(/[ \t]+#.*$/, '').trim();
  const m = PATTERN.exec(text);
  if (!m) return { ok: false, reason: `"${raw}" is not a date: ${DATETIME_HINT}` };
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, reason: `"${raw}" is not a calendar date` };
  }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: `"${raw}" is not a valid time of day` };
  const offset = zoneOffsetMinutes(zone);
  if (offset === undefined) return { ok: false, reason: `"${raw}" has an invalid UTC offset` };
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  date.setTime(date.getTime() - offset * 60_000);
  return { ok: true, date, dateOnly: h === undefined };
}

function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || /^(z|utc)$/i.test(zone)) return 0;
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(zone);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = m[3] === undefined ? 0 : Number(m[3]);
  if (hours > 23 || minutes > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function daysInMonth(year: number, month: number): number {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Replaces `{{now+Nd}}`, `{{now-Nd}}` and `{{now}}` with a UTC date-time relative to `today`
 * (midnight UTC of the start day, so restarts on the same day produce the same files and no new
 * commit). Written as Elekto officers write them: `YYYY-MM-DD HH:MM:SS`, no zone.
 */
export function renderDemoTemplate(text: string, now: Date): string {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return text.replace(/\{\{now(?:([+-])(\d+)d)?\}\}/g, (_m, sign: string | undefined, days: string | undefined) => {
    const offset = sign ? (sign === '+' ? 1 : -1) * Number(days) * 86_400_000 : 0;
    return new Date(today + offset).toISOString().slice(0, 19).replace('T', ' ');
  });
}

/** Time left until a deadline, or how late it is, in whole minutes (negative: overdue). */
export function minutesLeft(dueAt: string, now: number): number {
  return Math.floor((Date.parse(dueAt) - now) / 60_000);
}

/** Minutes as "2天3小时", "5小时20分", "12分" in the locale's units. */
export function spanText(minutes: number, units: { d: string; h: string; m: string }): string {
  const m = Math.abs(minutes);
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  const mins = m % 60;
  if (days) return `${days}${units.d}${hours ? `${hours}${units.h}` : ''}`;
  if (hours) return `${hours}${units.h}${mins ? `${mins}${units.m}` : ''}`;
  return `${mins}${units.m}`;
}

/** A timestamp as the phone's wall clock reads it: "14:05" today, "3月2日 14:05" otherwise. */
export function clockText(iso: string, locale: string, now = new Date()): string {
  const d = new Date(iso);
  const time = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hour12: false });
  if (d.toDateString() === now.toDateString()) return time;
  return `${d.toLocaleDateString(locale, { month: 'short', day: 'numeric' })} ${time}`;
}

import { centreClock, centreDay, centreDayStart } from '../../../shared/index.js';
import { useCityStore } from '../stores/city.js';

/** Until the client config has come: the offset of China's one time zone. */
const CHINA_MINUTES = 480;

/**
 * The centre's calendar and clock as the server keeps them (its `utcOffsetMinutes`), so a wall
 * PC set to another zone still shows the centre's days and times.
 */
export function useCentreTime() {
  const city = useCityStore();
  const offset = () => city.config?.utcOffsetMinutes ?? CHINA_MINUTES;
  const clock = (at: string | number, seconds = false) =>
    centreClock(typeof at === 'number' ? at : Date.parse(at), offset(), seconds);
  return {
    /** The centre's offset from UTC, minutes. */
    offset,
    /** The centre's day of an instant (ms), YYYY-MM-DD. */
    day: (ms: number) => centreDay(ms, offset()),
    /** When that day began, ms. */
    dayStart: (ms: number) => centreDayStart(ms, offset()),
    /** 'YYYY-MM-DD HH:mm' (or with seconds) of an ISO instant or ms. */
    clock,
    /** 'MM-DD HH:mm' of an ISO instant or ms: a time in a list that spans days. */
    dayTime: (at: string | number) => clock(at).slice(5),
    /** 'HH:mm' (or with seconds) of an ISO instant or ms. */
    time: (at: string | number, seconds = false) => clock(at, seconds).slice(11),
    /** An instant (ms) as a `datetime-local` field's value on the centre's clock. */
    toField: (ms: number) => new Date(ms + offset() * 60_000).toISOString().slice(0, 16),
    /** A `datetime-local` field's value, read on the centre's clock, as an instant (ms). */
    fromField: (value: string) => Date.parse(`${value}:00.000Z`) - offset() * 60_000,
  };
}

import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import { goOffDuty, sendPosition } from '../api/field.js';

/** How often the centre hears where an on-duty phone is. */
export const POSITION_INTERVAL_MS = 30_000;

export interface Fix {
  lng: number;
  lat: number;
  accuracy: number;
  heading?: number;
  at: string;
}

export interface Duty {
  onDuty: Ref<boolean>;
  /** Whether the worker has read and accepted what going on duty shares. */
  consented: Ref<boolean>;
  lastFix: ShallowRef<Fix | undefined>;
  lastSentAt: Ref<string | undefined>;
  /** The last failure (no GPS permission, no signal), for the screen to say. */
  failure: ShallowRef<unknown>;
  geoDenied: Ref<boolean>;
  start(): void;
  stop(): Promise<void>;
  /** Stops sending without telling the server: the app is being signed out of elsewhere. */
  halt(): void;
}

interface Stored {
  onDuty: boolean;
  consented: boolean;
}

let current: { account: string; duty: Duty } | undefined;

/**
 * 上岗/下岗: while on duty the phone sends its position every 30 s (the centre's patrol trail);
 * off duty it sends nothing and the worker leaves the map at once. The state is kept per account
 * in localStorage, so a reopened app carries on as the worker left it.
 */
export function useDuty(account: string): Duty {
  if (current?.account === account) return current.duty;
  current?.duty.halt();
  const key = `city-brain.duty.${account}`;
  const stored = read(key);
  const onDuty = ref(false);
  const consented = ref(stored.consented);
  const lastFix = shallowRef<Fix>();
  const lastSentAt = ref<string>();
  const failure = shallowRef<unknown>();
  const geoDenied = ref(false);
  let watchId: number | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let sentFix: Fix | undefined;

  const save = () =>
    localStorage.setItem(key, JSON.stringify({ onDuty: onDuty.value, consented: consented.value }));

  async function send() {
    const fix = lastFix.value;
    // A position is worth only its freshest value: a failed one is not kept for later.
    if (!fix || !onDuty.value) return;
    try {
      await sendPosition({
        lng: fix.lng,
        lat: fix.lat,
        accuracy: Math.min(fix.accuracy, 100_000),
        ...(fix.heading === undefined ? {} : { heading: fix.heading }),
        at: fix.at,
        crs: 'wgs84',
      });
      sentFix = fix;
      lastSentAt.value = new Date().toISOString();
      failure.value = undefined;
    } catch (err) {
      failure.value = err;
    }
  }

  function start() {
    if (timer) return;
    onDuty.value = true;
    consented.value = true;
    save();
    if ('geolocation' in navigator) {
      watchId = navigator.geolocation.watchPosition(
        (p) => {
          const first = !lastFix.value;
          const h = p.coords.heading;
          lastFix.value = {
            lng: p.coords.longitude,
            lat: p.coords.latitude,
            accuracy: p.coords.accuracy,
            ...(h !== null && Number.isFinite(h) && h >= 0 && h < 360 ? { heading: h } : {}),
            at: new Date(p.timestamp).toISOString(),
          };
          geoDenied.value = false;
          // The first fix goes at once: the centre sees the worker on the map on going on duty.
          if (first || !sentFix) void send();
        },
        (err) => {
          geoDenied.value = err.code === err.PERMISSION_DENIED;
        },
        { enableHighAccuracy: true, maximumAge: 10_000 },
      );
    }
    timer = setInterval(() => void send(), POSITION_INTERVAL_MS);
  }

  function halt() {
    if (watchId !== undefined) navigator.geolocation.clearWatch(watchId);
    watchId = undefined;
    if (timer) clearInterval(timer);
    timer = undefined;
    lastFix.value = undefined;
    sentFix = undefined;
  }

  async function stop() {
    halt();
    onDuty.value = false;
    save();
    try {
      await goOffDuty();
      failure.value = undefined;
    } catch (err) {
      failure.value = err;
    }
  }

  const duty: Duty = {
    onDuty,
    consented,
    lastFix,
    lastSentAt,
    failure,
    geoDenied,
    start,
    stop,
    halt,
  };
  current = { account, duty };
  if (stored.onDuty) start();
  return duty;
}

function read(key: string): Stored {
  try {
    const s = JSON.parse(localStorage.getItem(key) ?? 'null') as Partial<Stored> | null;
    return { onDuty: s?.onDuty === true, consented: s?.consented === true };
  } catch {
    return { onDuty: false, consented: false };
  }
}

import { computed, ref } from 'vue';
import { ALERT_RANK, type AlertKind } from './alerts.js';

const MUTED_KEY = 'city-brain.dept.muted';

/** Tones (Hz) and how many beeps each kind of alert makes: the worse, the more and higher. */
const TONES: Record<AlertKind, { hz: number; beeps: number }> = {
  overdue: { hz: 1175, beeps: 3 },
  supervised: { hz: 988, beeps: 3 },
  reminded: { hz: 988, beeps: 2 },
  assigned: { hz: 880, beeps: 2 },
  soon: { hz: 660, beeps: 1 },
};

let audio: AudioContext | undefined;
const audioReady = ref(false);
const permission = ref<NotificationPermission | 'unsupported'>(
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
);
const muted = ref(globalThis.localStorage?.getItem(MUTED_KEY) === '1');

/**
 * The department desk's sound and browser notifications. A browser plays no sound and asks for
 * no permission before the person has touched the page, so both are unlocked by one click on
 * "开启提醒"; until then the desk shows that button (and any first tap unlocks the sound alone).
 */
export function useAlarm() {
  /** Whether the button to turn alerts on is still wanted. */
  const needsEnabling = computed(() => !audioReady.value || permission.value === 'default');

  /** Must run inside a user gesture (a click handler), or the browser refuses both. */
  async function enable(): Promise<void> {
    unlockAudio();
    if (permission.value === 'default') {
      try {
        permission.value = await Notification.requestPermission();
      } catch {
        permission.value = 'denied';
      }
    }
  }

  function setMuted(next: boolean): void {
    muted.value = next;
    localStorage.setItem(MUTED_KEY, next ? '1' : '0');
  }

  /** One sound for a batch of alerts: the worst one's. */
  function sound(kinds: readonly AlertKind[]): void {
    if (muted.value || !audio || audio.state !== 'running' || !kinds.length) return;
    const worst = [...kinds].sort((a, b) => ALERT_RANK[b] - ALERT_RANK[a])[0]!;
    const { hz, beeps } = TONES[worst];
    const start = audio.currentTime + 0.02;
    for (let n = 0; n < beeps; n++) {
      const at = start + n * 0.28;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'sine';
      osc.frequency.value = hz;
      // A short ramp in and out: a bare square edge clicks.
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(0.25, at + 0.02);
      gain.gain.linearRampToValueAtTime(0, at + 0.18);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + 0.2);
    }
  }

  /** A browser notification; clicking it brings the desk forward and calls `onClick`. */
  function notify(title: string, body: string, tag: string, onClick?: () => void): void {
    if (muted.value || permission.value !== 'granted') return;
    try {
      const n = new Notification(title, { body, tag });
      n.onclick = () => {
        window.focus();
        onClick?.();
        n.close();
      };
    } catch {
      // Some mobile browsers allow notifications only from a service worker: the page's own
      // banner and sound still tell the person.
    }
  }

  return { audioReady, permission, muted, needsEnabling, enable, setMuted, sound, notify };
}

/** Creates or resumes the audio context; called from a user gesture. */
export function unlockAudio(): void {
  if (typeof AudioContext === 'undefined') return;
  audio ??= new AudioContext();
  const ctx = audio;
  if (ctx.state === 'running') audioReady.value = true;
  else
    void ctx
      .resume()
      .then(() => (audioReady.value = ctx.state === 'running'))
      .catch(() => undefined);
}

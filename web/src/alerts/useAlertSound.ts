import { computed, onBeforeUnmount, onMounted, ref, watch } from 'vue';
import { translate } from '../i18n/index.js';
import { useLiveStore } from '../stores/live.js';
import { useWarningText } from '../warnings/useWarningText.js';
import { alertSpeech, burstGate, type AlertKind, type LiveAlert } from './alert-for.js';

/** A burst of alerts sounds once in this long. */
const BURST_MS = 3_000;
/**
 * The first click or key anywhere lets the page's audio play (a click, not a pointerdown: Safari
 * unlocks audio only at the end of a touch).
 */
const GESTURES = ['click', 'keydown'] as const;
/** Speech starts when the tone is over. */
const SPEAK_AFTER_MS = 1_100;
/** Observable by end-to-end tests: one event per batch that alerted, with what became of it. */
export const ALERT_EVENT = 'citybrain:alert';

/** Two tones each, about a second: [frequency Hz, start s, length s]. */
const TONES: Record<AlertKind, { wave: OscillatorType; notes: [number, number, number][] }> = {
  // A siren's hi-lo, four notes.
  'critical-incident': {
    wave: 'square',
    notes: [
      [960, 0, 0.23],
      [720, 0.25, 0.23],
      [960, 0.5, 0.23],
      [720, 0.75, 0.23],
    ],
  },
  // Rising pairs, three times: softer, and unlike the siren.
  'red-warning': {
    wave: 'triangle',
    notes: [
      [660, 0, 0.14],
      [880, 0.15, 0.16],
      [660, 0.36, 0.14],
      [880, 0.51, 0.16],
      [660, 0.72, 0.14],
      [880, 0.87, 0.16],
    ],
  },
};

/** One audio context for the page, whichever screen asks. */
let audio: AudioContext | undefined;
/** Tones played on this page, whichever screen played them. */
let played = 0;
/** `none`: no Web Audio here; `locked`: waits for a gesture; `ready`: plays. */
const audioState = ref<'none' | 'locked' | 'ready'>('none');
const syncState = () =>
  (audioState.value = !audio ? 'none' : audio.state === 'running' ? 'ready' : 'locked');

/**
 * Created as soon as a screen that alerts opens: where the browser lets a page play sound
 * without a gesture (a wall kiosk run with --autoplay-policy=no-user-gesture-required) it is
 * running at once; elsewhere it starts suspended until the first click or key.
 */
function openAudio(): void {
  if (audio || typeof AudioContext === 'undefined') return;
  try {
    audio = new AudioContext();
  } catch {
    return;
  }
  audio.addEventListener('statechange', syncState);
  syncState();
}

function unlock(): void {
  if (!audio || audio.state === 'running' || audio.state === 'closed') return;
  void audio
    .resume()
    .catch(() => undefined)
    .then(syncState);
}

function playTone(ctx: AudioContext, kind: AlertKind): void {
  const { wave, notes } = TONES[kind];
  const start = ctx.currentTime + 0.02;
  // A square wave is loud for its amplitude.
  const level = wave === 'square' ? 0.12 : 0.3;
  for (const [hz, at, length] of notes) {
    const t = start + at;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = wave;
    osc.frequency.value = hz;
    // A short ramp in and out: a bare edge clicks.
    gain.gain.setValueAtTime(0, t);
    gain.gain.linearRampToValueAtTime(level, t + 0.015);
    gain.gain.setValueAtTime(level, t + length - 0.03);
    gain.gain.linearRampToValueAtTime(0, t + length);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + length + 0.01);
  }
}

/** A Chinese voice, when the system has one; none on many kiosks and headless browsers. */
function chineseVoice(): SpeechSynthesisVoice | undefined {
  const voices = globalThis.speechSynthesis?.getVoices() ?? [];
  const zh = voices.filter((v) => v.lang.replace('_', '-').toLowerCase().startsWith('zh'));
  return zh.find((v) => v.lang.replace('_', '-') === 'zh-CN') ?? zh[0];
}

/**
 * The desk's and the wall's alert for what arrives live: a critical incident or a red warning
 * (alert-for.ts) plays a tone made in the page (Web Audio, no file), at most once in BURST_MS,
 * unless this screen is muted (remembered per screen in the browser). With `speak` (the wall's
 * ?speak=1), the alert's title is then said in Chinese, where the system has a Chinese voice.
 * Each batch that alerted is announced as an ALERT_EVENT on `window`, and the tones played are
 * counted in `data-alerts-played` on the document element, for tests and kiosk probes.
 */
export function useAlertSound(screen: 'desk' | 'wall', options: { speak?: boolean } = {}) {
  const live = useLiveStore();
  const { names } = useWarningText();
  const key = `city-brain.alerts.muted.${screen}`;
  const muted = ref(globalThis.localStorage?.getItem(key) === '1');
  const gate = burstGate(BURST_MS);
  let speakTimer: number | undefined;

  /** The hint to click is wanted: sound is on, and the browser still holds it back. */
  const locked = computed(() => !muted.value && audioState.value === 'locked');

  function setMuted(next: boolean): void {
    muted.value = next;
    localStorage.setItem(key, next ? '1' : '0');
    if (next) {
      window.clearTimeout(speakTimer);
      globalThis.speechSynthesis?.cancel();
    }
  }

  /** The button: while the sound is held back, a click on it only lets it play. */
  function toggle(): void {
    if (locked.value) return unlock();
    setMuted(!muted.value);
  }

  function speak(alert: LiveAlert): void {
    const synth = globalThis.speechSynthesis;
    const voice = chineseVoice();
    if (!synth || !voice || typeof SpeechSynthesisUtterance === 'undefined') return;
    const utterance = new SpeechSynthesisUtterance(
      alertSpeech(alert, (k) => translate('zh-CN', k), names),
    );
    utterance.lang = 'zh-CN';
    utterance.voice = voice;
    synth.cancel();
    synth.speak(utterance);
  }

  function raise(alerts: readonly LiveAlert[]): void {
    const first = alerts[0];
    if (!first) return;
    const outcome = muted.value
      ? 'muted'
      : !audio || audioState.value !== 'ready'
        ? 'locked'
        : gate(Date.now())
          ? 'played'
          : 'burst';
    if (outcome === 'played') {
      playTone(audio!, first.kind);
      played += 1;
      document.documentElement.dataset.alertsPlayed = String(played);
      if (options.speak) {
        window.clearTimeout(speakTimer);
        speakTimer = window.setTimeout(() => !muted.value && speak(first), SPEAK_AFTER_MS);
      }
    }
    window.dispatchEvent(
      new CustomEvent(ALERT_EVENT, {
        detail: { screen, kind: first.kind, ids: alerts.map((a) => a.id), outcome },
      }),
    );
  }

  watch(() => live.alerts, raise, { flush: 'sync' });
  watch(audioState, (state) => (document.documentElement.dataset.alertAudio = state), {
    immediate: true,
  });

  onMounted(() => {
    openAudio();
    // Some browsers list their voices only after being asked once.
    if (options.speak) globalThis.speechSynthesis?.getVoices();
    for (const type of GESTURES) window.addEventListener(type, unlock, { capture: true });
  });
  onBeforeUnmount(() => {
    for (const type of GESTURES) window.removeEventListener(type, unlock, { capture: true });
    window.clearTimeout(speakTimer);
  });

  return { muted, locked, setMuted, toggle };
}

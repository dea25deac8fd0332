import { isErrorCode, type ErrorCode } from '../../../shared/errors.js';
import { ApiError } from '../api/http.js';
import { LOCALES, useI18n, type Locale } from './index.js';

/**
 * Failures the web names itself, with no server answer to carry a code: the network, the live
 * link, a command the server never answered, a connect refusal.
 */
export const CLIENT_ERROR_CODES = [
  'network',
  'not_connected',
  'no_answer',
  'client_outdated',
  'link_failed',
] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

/** Every code a screen has a text for: the server's and the web's own. */
export type ShownErrorCode = ErrorCode | ClientErrorCode;

const CLIENT_CODES: ReadonlySet<string> = new Set(CLIENT_ERROR_CODES);
const isShownCode = (code: string): code is ShownErrorCode =>
  isErrorCode(code) || CLIENT_CODES.has(code);

/**
 * Field paths the desk's forms have a label for. Any other path is left out of the text rather
 * than shown as the server spelt it: a path is English, and this text is for the screen.
 */
const FIELD_LABELS: ReadonlyMap<string, (m: Messages) => string> = new Map([
  ['username', (m: Messages) => m.login.username],
  ['password', (m: Messages) => m.login.password],
  ['comment', (m: Messages) => m.action.comment],
  ['dueAt', (m: Messages) => m.action.dueAt],
  ['rating', (m: Messages) => m.action.rating],
  ['departmentId', (m: Messages) => m.action.department],
  ['departmentIds', (m: Messages) => m.action.departments],
  ['gridWorkerId', (m: Messages) => m.action.assign],
  // A tour plan's form and the patrol log (视频巡查).
  ['name', (m: Messages) => m.videoPatrol.name],
  ['cameras', (m: Messages) => m.videoPatrol.source],
  ['cameraIds', (m: Messages) => m.videoPatrol.source],
  ['dwellSeconds', (m: Messages) => m.videoPatrol.dwell],
  ['tiles', (m: Messages) => m.videoPatrol.tiles],
  ['schedule', (m: Messages) => m.videoPatrol.scheduled],
  ['walls', (m: Messages) => m.videoPatrol.walls],
  ['text', (m: Messages) => m.videoPatrol.addNote],
  ['date', (m: Messages) => m.videoPatrol.date],
  ['note', (m: Messages) => m.warning.resolveNote],
  ['start', (m: Messages) => m.playback.start],
  ['end', (m: Messages) => m.playback.end],
]);

type Messages = (typeof LOCALES)[Locale];

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (all, name: string) => values[name] ?? all);

/**
 * The text for a failure in a locale: the locale's own words for the code, never the server's
 * English message. A code this build has no text for shows as a generic failure naming it.
 */
export function errorText(err: unknown, locale: Locale): string {
  const m = LOCALES[locale];
  if (!(err instanceof ApiError)) {
    // fetch rejects with a TypeError when the server cannot be reached at all.
    return m.errors.network;
  }
  const { code } = err;
  if (!isShownCode(code)) return fill(m.errorText.generic, { code });
  if (code === 'login_throttled') {
    if (err.retryAfterSeconds === undefined) return m.errors.too_many_requests;
    return fill(m.errors.login_throttled, { n: String(Math.ceil(err.retryAfterSeconds)) });
  }
  if (code === 'invalid_fields') {
    const labels = [
      ...new Set(err.fields.flatMap((f) => FIELD_LABELS.get(f.path.split('.')[0]!)?.(m) ?? [])),
    ];
    const list = labels.length
      ? fill(m.errorText.fields, { list: labels.join(m.errorText.separator) })
      : '';
    return fill(m.errors.invalid_fields, { fields: list });
  }
  return m.errors[code];
}

/**
 * The text for a live-link refusal, by the prefix the server gives it (`unauthorized: …`,
 * `outdated: …`); the rest of the server's text is English and stays out of sight.
 */
export function linkErrorText(message: string | undefined, locale: Locale): string | undefined {
  if (!message) return undefined;
  const m = LOCALES[locale];
  if (message.startsWith('unauthorized')) return m.errors.unauthenticated;
  if (message.startsWith('outdated')) return m.errors.client_outdated;
  return m.errors.link_failed;
}

/** errorText and linkErrorText in the screen's current locale, re-read on every render. */
export function useErrorText() {
  const { locale } = useI18n();
  return {
    errorText: (err: unknown) => errorText(err, locale.value),
    linkErrorText: (message: string | undefined) => linkErrorText(message, locale.value),
  };
}

import { ref } from 'vue';
import en from './en.js';
import zhCN from './zh-CN.js';

export const LOCALES = { 'zh-CN': zhCN, en } as const;
export type Locale = keyof typeof LOCALES;

type Messages = typeof zhCN;
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type MessageKey = Leaves<Messages>;

const STORAGE_KEY = 'city-brain.locale';
const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
const locale = ref<Locale>(stored === 'en' ? 'en' : 'zh-CN');

/** A message in the locale given, whatever the screen's (the wall speaks Chinese). */
export function translate(to: Locale, key: MessageKey): string {
  let node: unknown = LOCALES[to];
  for (const part of key.split('.')) node = (node as Record<string, unknown>)[part];
  return typeof node === 'string' ? node : key;
}

/** Simplified Chinese by default; English as the second locale, remembered per browser. */
export function useI18n() {
  const t = (key: MessageKey): string => translate(locale.value, key);
  function setLocale(next: Locale) {
    locale.value = next;
    localStorage.setItem(STORAGE_KEY, next);
    document.documentElement.lang = next;
  }
  return { t, locale, setLocale };
}

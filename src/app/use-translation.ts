/**
 * A tiny hook over i18next: components that call it re-render when the
 * language changes (through a signal), without pulling in react-i18next.
 */
import { signal } from '@preact/signals';
import { i18next } from '../i18n/index.ts';

const language = signal<string>(i18next.language || 'vi');
i18next.on('languageChanged', (lng) => {
  language.value = lng;
});

/** `t` bound to the current language, and the language code itself. */
export function useTranslation() {
  const lng = language.value; // subscribes the calling component
  return { t: i18next.t.bind(i18next), lng };
}

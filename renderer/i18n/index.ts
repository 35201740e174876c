// i18next with the two complete dictionaries bundled (no network: the CSP allows none, and a
// clerk offline still needs every word). Spanish unless the clerk's settings say otherwise.
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../core/app-api';
import { en } from './en';
import { es, type Dictionary } from './es';

export const LANGUAGES: readonly Language[] = ['es', 'en'];

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Dictionary };
  }
}

export function createI18n(language: Language = 'es'): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { es: { translation: es }, en: { translation: en } },
    lng: language,
    fallbackLng: 'es',
    // React escapes what it renders; i18next escaping it too would show '&amp;' on screen.
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
    // The dictionaries are bundled: nothing to wait for. Suspending would unmount the screen
    // while the language changes and lose what the clerk was typing (e.g. the sign-in form).
    react: { useSuspense: false },
  });
  return instance;
}

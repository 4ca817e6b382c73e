import i18next from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { en, zhCN } from './locales';

/** The languages the page can switch between, with their own names. */
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'zh-CN', name: '简体中文' },
] as const;

/** Starts i18next: the language chosen before (localStorage), else the browser's, else English. */
export async function initI18n(): Promise<void> {
  await i18next.use(LanguageDetector).init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    supportedLngs: ['en', 'zh-CN'],
    // zh, zh-TW, zh-Hans… read Simplified Chinese rather than English.
    fallbackLng: (code) => (code?.toLowerCase().startsWith('zh') ? ['zh-CN', 'en'] : ['en']),
    nonExplicitSupportedLngs: false,
    interpolation: { escapeValue: false },
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: 'opsflow.language',
      caches: ['localStorage'],
    },
  });
  syncHtmlLang();
  i18next.on('languageChanged', syncHtmlLang);
}

function syncHtmlLang(): void {
  document.documentElement.lang = currentLanguage();
}

/** The language shown: `en` or `zh-CN`. */
export function currentLanguage(): 'en' | 'zh-CN' {
  const resolved = i18next.resolvedLanguage ?? i18next.language ?? 'en';
  return resolved.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export const t = i18next.t.bind(i18next);
export { i18next };

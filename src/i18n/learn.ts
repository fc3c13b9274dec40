/**
 * The strings of the residents' learn area (`learn.*`), both languages.
 * Imported by the learn screens only (lazy), so nothing of it is on the
 * volunteer's first screen (PERFORMANCE.md G1).
 */
import { i18next, whenInitialised } from './index.ts';
import learnEn from './locales/learn.en.json';
import learnVi from './locales/learn.vi.json';

whenInitialised(() => {
  i18next.addResourceBundle('vi', 'translation', learnVi, true, false);
  i18next.addResourceBundle('en', 'translation', learnEn, true, false);
});

/**
 * The strings of the parts of the volunteer's home that load just after it
 * (the update banner, the storage warnings, the box of returned sessions),
 * both languages. Imported by those lazy components only, so the first
 * screen's locale chunk stays small (PERFORMANCE.md G1).
 */
import { i18next, whenInitialised } from './index.ts';
import laterEn from './locales/later.en.json';
import laterVi from './locales/later.vi.json';

whenInitialised(() => {
  i18next.addResourceBundle('vi', 'translation', laterVi, true, false);
  i18next.addResourceBundle('en', 'translation', laterEn, true, false);
});

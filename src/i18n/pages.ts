/**
 * The strings of the sign-in page, the record form and the coordinator's
 * screens (`form.*`, `review.*`, the field names and their errors), both
 * languages. Imported by those lazy screens only, so the first screen's
 * locale chunk stays small (PERFORMANCE.md G1: initial JS ≤ 30 KB brotli).
 */
import { i18next, whenInitialised } from './index.ts';
import fieldsEn from './locales/fields.en.json';
import fieldsVi from './locales/fields.vi.json';
import pagesEn from './locales/pages.en.json';
import pagesVi from './locales/pages.vi.json';

whenInitialised(() => {
  i18next.addResourceBundle('vi', 'translation', { ...pagesVi, ...fieldsVi }, true, false);
  i18next.addResourceBundle('en', 'translation', { ...pagesEn, ...fieldsEn }, true, false);
});

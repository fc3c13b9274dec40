/**
 * The strings of the record form and the coordinator's screens (`form.*`,
 * `review.*`), both languages. Imported by those lazy screens only, so the
 * first screen's locale chunk stays small (G1: initial JS ≤ 40 KB brotli).
 */
import { i18next } from './index.ts';
import pagesEn from './locales/pages.en.json';
import pagesVi from './locales/pages.vi.json';

i18next.addResourceBundle('vi', 'translation', pagesVi, true, false);
i18next.addResourceBundle('en', 'translation', pagesEn, true, false);

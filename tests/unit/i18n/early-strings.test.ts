// @vitest-environment happy-dom
/**
 * main.tsx loads the sign-in page beside the first screen's strings, so the
 * page's strings chunk can arrive before i18next is initialised (i18next has
 * no resource store until then). Its strings must still be there once it is.
 */
import { expect, it } from 'vitest';
import pagesVi from '../../../src/i18n/locales/pages.vi.json';

it('keeps the sign-in strings of a chunk that loaded before i18next was initialised', async () => {
  // First the page strings, as on a first visit with nobody signed in.
  await import('../../../src/i18n/pages.ts');
  const { initI18n, i18next } = await import('../../../src/i18n/index.ts');
  expect(i18next.isInitialized).toBeFalsy();

  await initI18n('vi');

  expect(i18next.t('login.title')).toBe(pagesVi.login.title);
  expect(i18next.t('login.submit')).toBe(pagesVi.login.submit);
});

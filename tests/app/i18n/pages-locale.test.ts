/**
 * The form's and review's strings live in their own chunk (pages.ts, both
 * languages). Loading it must not stop a later switch to English from loading
 * the rest of the English strings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { i18next, setLanguage } from '../../../src/i18n/index.ts';
import '../../../src/i18n/pages.ts';

afterEach(async () => {
  await setLanguage('vi');
});

describe('the lazy page strings', () => {
  it('are there in Vietnamese once a form or review screen is loaded', () => {
    expect(i18next.t('form.newTitle')).toBe('Ghi buổi hỗ trợ');
  });

  it('do not hide the rest of English when the volunteer switches language', async () => {
    await setLanguage('en');

    expect(i18next.t('form.newTitle')).toBe('Record a support session');
    expect(i18next.t('app.goHome')).toBe('Go to the home page');
  });
});

import { describe, expect, it } from 'vitest';
import en from '../../src/i18n/locales/fields.en.json';
import vi from '../../src/i18n/locales/fields.vi.json';
import { fieldKey, problemMessage, requestLang } from '../../src/server/http/i18n.ts';

describe('requestLang', () => {
  it.each([
    [undefined, 'vi'],
    ['', 'vi'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['vi-VN,vi;q=0.9,en;q=0.8', 'vi'],
    ['fr-FR,en;q=0.5', 'en'],
    ['en;q=0.2,vi;q=0.8', 'vi'],
    ['de', 'vi'],
    ['en;q=0', 'vi'],
  ])('%j → %s', (header, lang) => {
    expect(requestLang(header)).toBe(lang);
  });
});

describe('problemMessage', () => {
  it('names the field and the error from the locale files', () => {
    expect(problemMessage('vi', { field: 'residents.under30', code: 'outOfRange' })).toBe(
      `${vi.fields['residents.under30']}: ${vi.errors.outOfRange}`,
    );
    expect(problemMessage('en', { field: 'skills.2.stepsDone', code: 'unknownStep' })).toBe(
      `${en.fields['skills.stepsDone']}: ${en.errors.unknownStep}`,
    );
  });

  it('falls back to field and code when a key is missing', () => {
    expect(problemMessage('en', { field: 'mystery', code: 'weird' })).toBe('mystery: weird');
    expect(problemMessage('vi', { field: 'mystery', code: 'required' })).toBe(
      `mystery: ${vi.errors.required}`,
    );
  });

  it('drops array indexes to find the field name', () => {
    expect(fieldKey('mutations.3.payload')).toBe('mutations.payload');
    expect(fieldKey('')).toBe('');
  });
});

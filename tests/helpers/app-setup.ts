// Setup for the `app` project (happy-dom): Vietnamese strings, as users see them.
import { cleanup } from '@testing-library/preact';
import { afterEach } from 'vitest';
import { initI18n } from '../../src/i18n/index.ts';

await initI18n('vi');
afterEach(() => {
  cleanup();
  localStorage.clear();
});

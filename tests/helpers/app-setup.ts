// Setup for the `app` project (happy-dom): Vietnamese strings, as users see them.
import { cleanup, configure } from '@testing-library/preact';
import { afterEach } from 'vitest';
import { initI18n } from '../../src/i18n/index.ts';

await initI18n('vi');
// findBy*/waitFor give up after 1 s by default: in `npm test` this project runs
// niced beside three browser lanes, where a lazy chunk or an IndexedDB read can
// take several seconds. The wait ends as soon as the text is there.
configure({ asyncUtilTimeout: 10_000 });
afterEach(() => {
  cleanup();
  localStorage.clear();
});

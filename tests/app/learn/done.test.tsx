/**
 * The "done" screen suggests the next tutorial not done yet, judged as the
 * list judges it: on the tutorial's current version. A tutorial finished on
 * an older checklist (VNeID version 1; it is on version 2 now) is suggested
 * again.
 */
import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/preact';
import { LocationProvider, Route, Router } from 'preact-iso';
import { TutorialPage } from '../../../src/app/learn/LearnPages.tsx';
import { saveProgress } from '../../../src/app/learn/local.ts';

function finish(skillId: string) {
  history.replaceState(null, '', `/learn/${skillId}/xong`);
  render(
    <LocationProvider>
      <Router>
        <Route path="/learn/:skillId/:step?" component={TutorialPage} />
        <Route path="/learn" component={() => <p>list</p>} />
      </Router>
    </LocationProvider>,
  );
}

describe('the done screen', () => {
  it('suggests a tutorial finished only on an older version, and skips one finished on this one', async () => {
    saveProgress('device-basics', { step: 8, version: 1, done: true });
    saveProgress('vneid-level2', { step: 10, version: 1, done: true });

    // Zalo (108) is the last of the list: the next comes from the top.
    finish('zalo-safe');

    const next = await screen.findByRole('link', { name: /^Bài nên học tiếp: / });
    expect(next.getAttribute('href')).toBe('/learn/vneid-level2');
  });
});

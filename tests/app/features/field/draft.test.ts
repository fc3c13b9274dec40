/**
 * Drafts of new records belong to the form typing them (a Web Lock per
 * draft): a second tab opening "new" starts blank instead of showing (and
 * then saving a second copy of) the first tab's session; a draft left by a
 * closed or reloaded tab is picked up again. A tiny in-memory Web Locks
 * stands in for the browser's (happy-dom has none).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  claimDraft,
  clearDraft,
  readDraft,
  writeDraft,
} from '../../../../src/app/features/field/draft.ts';
import { emptyForm } from '../../../../src/app/features/field/log-form.ts';

const held = new Set<string>();
const fakeLocks = {
  request(name: string, _o: { ifAvailable: boolean }, cb: (lock: unknown) => unknown) {
    if (held.has(name)) return Promise.resolve(cb(null));
    held.add(name);
    return Promise.resolve(cb({ name })).finally(() => held.delete(name));
  },
  query: () => Promise.resolve({ held: [...held].map((name) => ({ name })) }),
};
const original = Object.getOwnPropertyDescriptor(navigator, 'locks');

/** Another tab: its own sessionStorage (the test clears this one's marker). */
function otherTab() {
  sessionStorage.clear();
}

const form = (notes: string) => ({ ...emptyForm('2026-11-21', 'tan-phu-dong'), notes });

beforeEach(() => {
  held.clear();
  sessionStorage.clear();
  Object.defineProperty(navigator, 'locks', { configurable: true, value: fakeLocks });
});

afterEach(() => {
  if (original) Object.defineProperty(navigator, 'locks', original);
  else delete (navigator as { locks?: unknown }).locks;
});

describe('drafts of new sessions', () => {
  it('never shows a tab the draft another open tab is typing', async () => {
    const a = await claimDraft('u1', null);
    writeDraft(a, form('tab A đang gõ'));

    otherTab();
    const b = await claimDraft('u1', null);

    expect(b.key).not.toBe(a.key);
    expect(readDraft(b)).toBeNull();
    writeDraft(b, form('tab B'));
    expect(readDraft(a)?.notes).toBe('tab A đang gõ');
  });

  it('gives a reloaded tab its own draft back', async () => {
    const a = await claimDraft('u1', null);
    writeDraft(a, form('trước khi tải lại'));
    a.release(); // the page unloads: its locks go

    await Promise.resolve();
    const again = await claimDraft('u1', null);

    expect(again.key).toBe(a.key);
    expect(readDraft(again)?.notes).toBe('trước khi tải lại');
  });

  it('waits for the page it replaces to let go of its draft (a reload or an app update)', async () => {
    const a = await claimDraft('u1', null);
    writeDraft(a, form('đang nhập dở khi cập nhật'));

    // The new page starts while the old one still holds its lock for a moment.
    setTimeout(() => a.release(), 300);
    const again = await claimDraft('u1', null);

    expect(again.key).toBe(a.key);
    expect(readDraft(again)?.notes).toBe('đang nhập dở khi cập nhật');
  });

  it('hands the draft of a closed tab to the next new form', async () => {
    const a = await claimDraft('u1', null);
    writeDraft(a, form('tab đã đóng'));
    a.release();
    await Promise.resolve();

    otherTab();
    const b = await claimDraft('u1', null);

    expect(readDraft(b)?.notes).toBe('tab đã đóng');
  });

  it('starts blank after the draft was saved (cleared)', async () => {
    const a = await claimDraft('u1', null);
    writeDraft(a, form('đã lưu'));
    clearDraft(a);
    a.release();
    await Promise.resolve();

    expect(readDraft(await claimDraft('u1', null))).toBeNull();
  });

  it('keeps one draft per log for edits, and one shared draft without Web Locks', async () => {
    const edit = await claimDraft('u1', 'log-1');
    expect(edit.key).toBe('sotay.draft.u1.log-1');

    delete (navigator as { locks?: unknown }).locks;
    const a = await claimDraft('u1', null);
    const b = await claimDraft('u1', null);
    expect([a.key, b.key]).toEqual(['sotay.draft.u1.new', 'sotay.draft.u1.new']);
  });
});

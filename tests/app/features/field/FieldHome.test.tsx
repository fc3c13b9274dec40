/**
 * The volunteer's home warns about storage the browser may evict (advice: install
 * the app) and storage that is nearly full, from `getStorageHealth()` on the
 * real storage module; `navigator.storage` is the only thing stubbed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { LocationProvider } from 'preact-iso';
import { openUserDb, saveLog, type UserDb } from '../../../../src/storage/index.ts';
import { makeContent, makeVolunteer } from '../../../helpers/log-builders.ts';
import { FieldHome } from '../../../../src/app/features/field/FieldHome.tsx';
import { session } from '../../../../src/app/session.ts';

let db: UserDb;
const original = Object.getOwnPropertyDescriptor(navigator, 'storage');

function stubStorage(persisted: boolean, usage: number, quota: number) {
  Object.defineProperty(navigator, 'storage', {
    configurable: true,
    value: {
      persisted: () => Promise.resolve(persisted),
      estimate: () => Promise.resolve({ usage, quota }),
    },
  });
}

beforeEach(async () => {
  const user = makeVolunteer();
  db = await openUserDb(user.id);
  session.value = { user, field: { db, engine: null } };
});

afterEach(() => {
  session.value = null;
  db.close();
  if (original) Object.defineProperty(navigator, 'storage', original);
  else delete (navigator as { storage?: unknown }).storage;
});

function renderHome() {
  return render(
    <LocationProvider>
      <FieldHome />
    </LocationProvider>,
  );
}

describe('FieldHome storage warnings', () => {
  it('advises installing the app when storage is not persistent, and warns when nearly full', async () => {
    stubStorage(false, 95e6, 100e6);

    renderHome();

    expect(await screen.findByText(/Hãy cài Sổ tay vào màn hình chính/)).toBeTruthy();
    expect((await screen.findByRole('alert')).textContent).toContain('Bộ nhớ máy sắp đầy');
  });

  it('says nothing when storage is persistent and has room', async () => {
    stubStorage(true, 10e6, 2e9);

    renderHome();
    await screen.findByText('Chưa có buổi hỗ trợ nào. Bấm “Ghi buổi hỗ trợ mới” để bắt đầu.');
    await new Promise((r) => setTimeout(r, 20));

    expect(screen.queryByText(/màn hình chính/)).toBeNull();
    expect(screen.queryByText(/Bộ nhớ máy sắp đầy/)).toBeNull();
  });
});

describe('FieldHome list', () => {
  it('shows the newest 50 sessions first and the rest on "Xem thêm"', async () => {
    stubStorage(true, 10e6, 2e9);
    const userId = session.value!.user.id;
    for (let i = 0; i < 55; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      await saveLog(db, {
        content: makeContent({ activityDate: `2025-0${1 + Math.floor(i / 28)}-${day}` }),
        userId,
      });
    }

    renderHome();
    const list = await screen.findByRole('list', { name: 'Danh sách buổi hỗ trợ' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(50);
    // The link's name is what it shows, after "Mở buổi hỗ trợ ngày".
    expect(within(list).getAllByRole('link')[0]!.textContent).toMatch(
      /^Mở buổi hỗ trợ ngày 27\/02\/2025 · /,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Xem thêm' }));

    // testing-library's waitFor (10 s under npm test, app-setup.ts), not vi.waitFor's 1 s.
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(55));
    expect(screen.queryByRole('button', { name: 'Xem thêm' })).toBeNull();
  });
});

/**
 * The volunteer's checklist in the session form, on the real storage module
 * (fake-indexeddb) and the real seeds: each step links to the residents'
 * tutorial step that teaches it, and a session keeps the checklist version it
 * was started on when the content is updated (VNeID is on version 2; version
 * 1, without the "show documents" step, is in seeds/skills/archive).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { LocationProvider, Route, Router } from 'preact-iso';
import { getLog, openUserDb, saveLog, type UserDb } from '../../../../src/storage/index.ts';
import type { UserProfile } from '../../../../src/shared/schemas/auth.ts';
import { LogFormPage } from '../../../../src/app/features/field/LogFormPage.tsx';
import { session } from '../../../../src/app/session.ts';
import { makeContent, makeVolunteer } from '../../../helpers/log-builders.ts';
import vneidNow from '../../../../seeds/skills/vneid-level2.json';
import vneidV1 from '../../../../seeds/skills/archive/vneid-level2.v1.json';
import tutorial from '../../../../seeds/tutorials/vneid-level2.json';

const VNEID = 'Kích hoạt và dùng tài khoản định danh điện tử mức 2 (VNeID)';
/** The step version 2 added. */
const SHOW_DOCUMENTS = vneidNow.steps.find((s) => s.id === 'show-documents')!.text.vi;
const stepText = (id: string) => vneidV1.steps.find((s) => s.id === id)!.text.vi;

let db: UserDb;
let user: UserProfile;

beforeEach(async () => {
  user = makeVolunteer();
  db = await openUserDb(user.id);
  session.value = { user, field: { db, engine: null } };
});

afterEach(() => {
  session.value = null;
  db.close();
});

function show(path: string) {
  history.replaceState(null, '', path);
  return render(
    <LocationProvider>
      <Router>
        <Route path="/field/new" component={LogFormPage} />
        <Route path="/field/log/:id" component={LogFormPage} />
        <Route path="/field" component={() => <p>home</p>} />
      </Router>
    </LocationProvider>,
  );
}

/** The open checklist of a skill (the fieldset named after it). */
async function checklist(title: string) {
  return screen.findByRole('group', { name: new RegExp(`^${escape(title)} —`) });
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the checklist links each step to the tutorial', () => {
  it('shows, under a step, the tutorial step that teaches it, with a link to it', async () => {
    show('/field/new');
    fireEvent.click(await screen.findByRole('checkbox', { name: VNEID }));
    const list = await checklist(VNEID);

    // The OTP step is step 5 of the residents' tutorial (after "get ready" and three others).
    const otp = within(list)
      .getByRole('checkbox', { name: stepText('enter-otp') })
      .closest('.step') as HTMLElement;
    const teach = await within(otp).findByText('Chỉ cho người dân (bước 5 của bài học)');
    expect(teach.closest('details')!.open).toBe(false);
    fireEvent.click(teach);
    expect(teach.closest('details')!.open).toBe(true);
    const taught = tutorial.steps[4]!;
    expect(taught.checklist).toEqual(['enter-otp']);
    expect(within(otp).getByText(taught.do.vi, { exact: false })).toBeTruthy();
    expect(within(otp).getByText(taught.trouble.vi, { exact: false })).toBeTruthy();
    expect(
      within(otp)
        .getByRole('link', { name: 'Mở bước 5 của bài học cho người dân xem' })
        .getAttribute('href'),
    ).toBe('/learn/vneid-level2/5');

    // Every step of the checklist has its tutorial step, and the tutorial as a whole is there.
    const links = within(list).getAllByRole('link', { name: /^Mở bước \d+ của bài học/ });
    expect(links).toHaveLength(vneidNow.steps.length);
    expect(new Set(links.map((a) => a.getAttribute('href'))).size).toBe(links.length);
    expect(
      within(list).getByRole('link', { name: 'Mở bài học cho người dân' }).getAttribute('href'),
    ).toBe('/learn/vneid-level2');
  });
});

describe('a session keeps the checklist version it was started on', () => {
  it('starts new sessions on the current version', async () => {
    show('/field/new');
    fireEvent.click(await screen.findByRole('checkbox', { name: VNEID }));
    const list = await checklist(VNEID);

    expect(list.querySelector('legend')!.textContent).toContain(`0/${vneidNow.steps.length}`);
    expect(within(list).getByRole('checkbox', { name: SHOW_DOCUMENTS })).toBeTruthy();
    expect(screen.queryByText(/bắt đầu với danh sách bước phiên bản/)).toBeNull();
  });

  it('shows an older session with its own steps, saves it on that version, and can move it on', async () => {
    const log = await saveLog(db, {
      userId: user.id,
      content: makeContent({
        skills: [
          { skillId: 'vneid-level2', contentVersion: 1, stepsDone: ['install-vneid', 'enter-otp'] },
        ],
      }),
    });
    show(`/field/log/${log.id}`);

    await screen.findByText(
      'Buổi này bắt đầu với danh sách bước phiên bản 1 nên vẫn giữ các bước đó. ' +
        vneidNow.changes.vi,
    );
    // While version 1 loads it says so; it never claims the phone lacks it.
    expect(screen.queryByText(/không có danh sách bước phiên bản/)).toBeNull();
    const list = await checklist(VNEID);
    expect(list.querySelector('legend')!.textContent).toContain(`2/${vneidV1.steps.length}`);
    expect(within(list).queryByRole('checkbox', { name: SHOW_DOCUMENTS })).toBeNull();

    // A tick on the old checklist is saved on the old version.
    fireEvent.click(within(list).getByRole('checkbox', { name: stepText('open-activation') }));
    fireEvent.click(screen.getByRole('button', { name: 'Lưu' }));
    await screen.findByText('home');
    expect((await getLog(db, log.id))!.skills).toEqual([
      {
        skillId: 'vneid-level2',
        contentVersion: 1,
        stepsDone: ['install-vneid', 'open-activation', 'enter-otp'],
      },
    ]);
  });

  it('moves a session to the new checklist on request, keeping the ticks both versions have', async () => {
    const log = await saveLog(db, {
      userId: user.id,
      content: makeContent({
        skills: [{ skillId: 'vneid-level2', contentVersion: 1, stepsDone: ['enter-otp'] }],
      }),
    });
    show(`/field/log/${log.id}`);

    fireEvent.click(
      await screen.findByRole('button', { name: 'Dùng danh sách bước mới (phiên bản 2)' }),
    );
    const list = await checklist(VNEID);
    expect(list.querySelector('legend')!.textContent).toContain(`1/${vneidNow.steps.length}`);
    expect(within(list).getByRole('checkbox', { name: SHOW_DOCUMENTS })).toBeTruthy();
    expect(
      within(list).getByRole<HTMLInputElement>('checkbox', { name: stepText('enter-otp') }).checked,
    ).toBe(true);
    expect(screen.queryByText(/bắt đầu với danh sách bước phiên bản/)).toBeNull();
  });

  it('keeps a session from a newer app as it is, asking for the update instead', async () => {
    const future = {
      skillId: 'vneid-level2',
      contentVersion: vneidNow.version + 1,
      stepsDone: ['install-vneid', 'a-step-of-the-next-version'],
    };
    const log = await saveLog(db, { userId: user.id, content: makeContent({ skills: [future] }) });
    show(`/field/log/${log.id}`);

    await screen.findByText(
      `Buổi này ghi theo danh sách bước phiên bản ${future.contentVersion}, mới hơn bản trên máy này ` +
        '(2 bước đã đánh dấu vẫn được giữ). Hãy cập nhật ứng dụng để xem các bước.',
    );
    expect(screen.queryByRole('button', { name: /Dùng danh sách bước mới/ })).toBeNull();
    expect(screen.queryByRole('group', { name: new RegExp(`^${escape(VNEID)} —`) })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Lưu' }));
    await screen.findByText('home');
    expect((await getLog(db, log.id))!.skills).toEqual([future]);
  });
});

/**
 * The attention screen on the real storage module (fake-indexeddb): each way
 * the server can refuse a change is produced through the write path and the
 * push-answer path (saveLog → takeOutboxBatch → applyPushResults), then the
 * screen is read as a volunteer reads it, in Vietnamese, and its actions are
 * checked against what they leave in storage.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { LocationProvider, Route, Router } from 'preact-iso';
import {
  applyPushResults,
  deleteLog,
  getLog,
  getSyncSummary,
  listAttention,
  listLogs,
  openUserDb,
  peekOutbox,
  saveLog,
  takeOutboxBatch,
  type UserDb,
} from '../../../../src/storage/index.ts';
import type { MutationResult } from '../../../../src/shared/protocol.ts';
import type { LogContent, LogRecord } from '../../../../src/shared/schemas/log.ts';
import type { UserProfile } from '../../../../src/shared/schemas/auth.ts';
import { AttentionPage } from '../../../../src/app/features/field/AttentionPage.tsx';
import { LogFormPage } from '../../../../src/app/features/field/LogFormPage.tsx';
import { SyncBar } from '../../../../src/app/components/SyncBar.tsx';
import { session, syncStatus } from '../../../../src/app/session.ts';
import { makeContent, makeRecord, makeVolunteer } from '../../../helpers/log-builders.ts';

const EPOCH = 'epoch-1';
let db: UserDb;
let user: UserProfile;

beforeEach(async () => {
  user = makeVolunteer({
    hamlets: [
      { id: 'tan-phu-dong', name: 'Thôn Đông' },
      { id: 'tan-phu-tay', name: 'Thôn Tây' },
    ],
  });
  db = await openUserDb(user.id);
  session.value = { user, field: { db, engine: null } };
  history.replaceState(null, '', '/field/attention');
});

afterEach(() => {
  session.value = null;
  syncStatus.value = null;
  db.close();
});

/** Sends the whole outbox and lets the "server" answer every entry with `answer`. */
async function pushAnswered(
  answer: (mutationId: string) => Omit<MutationResult, 'mutationId'>,
): Promise<void> {
  const batch = await takeOutboxBatch(db, 100);
  await applyPushResults(db, batch, {
    serverTime: new Date().toISOString(),
    serverEpoch: EPOCH,
    results: batch.map((e) => ({ mutationId: e.mutationId, ...answer(e.mutationId) })),
  });
}

/** A log the server has accepted (version 1), as the phone holds it afterwards. */
async function syncedLog(content: LogContent = makeContent()): Promise<string> {
  const log = await saveLog(db, { content, userId: user.id });
  await pushAnswered(() => ({
    status: 'applied',
    serverVersion: 1,
    record: makeRecord(log.id, content),
  }));
  return log.id;
}

/** An edit of a synced log, refused by the server with `answer(record)`. */
async function refusedEdit(
  local: LogContent,
  server: (id: string) => LogRecord | undefined,
  answer: Pick<MutationResult, 'status' | 'reason' | 'problems'>,
): Promise<string> {
  const id = await syncedLog();
  await saveLog(db, { id, content: local, userId: user.id });
  const record = server(id);
  await pushAnswered(() => ({ ...answer, ...(record ? { record } : {}) }));
  return id;
}

function renderPage(path = '/field/attention') {
  history.replaceState(null, '', path);
  return render(
    <LocationProvider>
      <Router>
        <Route path="/field/attention" component={AttentionPage} />
        <Route path="/field/log/:id" component={LogFormPage} />
        <Route path="/field" component={() => <p>home</p>} />
      </Router>
    </LocationProvider>,
  );
}

async function card(): Promise<HTMLElement> {
  const list = await screen.findByRole('list', { name: 'Thay đổi cần bạn xem lại' });
  const items = within(list)
    .getAllByRole('listitem')
    .filter((li) => li.parentElement === list);
  expect(items).toHaveLength(1);
  return items[0]!;
}

function buttonNames(el: HTMLElement): string[] {
  return within(el)
    .getAllByRole('button')
    .map((b) => b.textContent ?? '');
}

/** The comparison table as [field, yours, server] rows. */
function diffRows(el: HTMLElement): string[][] {
  const table = within(el).getByRole('table');
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((r) => [...r.querySelectorAll('th,td')].map((c) => c.textContent ?? ''));
}

describe('attention screen: what happened, both versions, and what to do', () => {
  it('says there is nothing to look at when the list is empty', async () => {
    renderPage();

    expect(await screen.findByText('Không có thay đổi nào cần xem lại.')).toBeTruthy();
  });

  it('field_conflict: shows the fields changed on both sides, and "Giữ bản trên máy chủ" takes the server version', async () => {
    const mine = makeContent({
      notes: 'Bà Tư đã cài được VNeID',
      residents: { under30: 0, from30to59: 1, over60: 3 },
    });
    const id = await refusedEdit(
      mine,
      (logId) =>
        makeRecord(logId, makeContent({ notes: 'Sửa trên máy khác', kind: 'group_class' }), {
          version: 3,
        }),
      { status: 'conflict', reason: 'field_conflict' },
    );

    renderPage();
    const item = await card();

    expect(within(item).getByRole('heading').textContent).toBe(
      'Buổi hỗ trợ ngày 14/03/2025 · Đến tận nhà',
    );
    expect(item.textContent).toContain('Buổi này cũng vừa được sửa ở nơi khác');
    expect(within(item).getByRole('table', { name: 'Những ô khác nhau' })).toBeTruthy();
    expect(diffRows(item)).toEqual([
      ['Hình thức', 'Đến tận nhà', 'Lớp học nhóm'],
      ['Từ 60 tuổi trở lên', '3', '1'],
      ['Ghi chú', 'Bà Tư đã cài được VNeID', 'Sửa trên máy khác'],
    ]);
    expect(buttonNames(item)).toEqual(['Giữ bản trên máy chủ', 'Sửa lại và gửi lại']);

    fireEvent.click(within(item).getByRole('button', { name: 'Giữ bản trên máy chủ' }));

    expect(await screen.findByText('Đã giữ bản trên máy chủ.')).toBeTruthy();
    expect(screen.getByText('Không có thay đổi nào cần xem lại.')).toBeTruthy();
    const log = await getLog(db, id);
    expect(log?.syncState).toBe('synced');
    expect(log?.notes).toBe('Sửa trên máy khác');
    expect(log?.serverVersion).toBe(3);
  });

  it('field_conflict: "Sửa lại và gửi lại" opens the form with the phone\'s version, and saving queues it and clears the item', async () => {
    const mine = makeContent({ notes: 'Bản của tôi' });
    const id = await refusedEdit(
      mine,
      (logId) => makeRecord(logId, makeContent({ notes: 'Bản máy chủ' }), { version: 2 }),
      { status: 'conflict', reason: 'field_conflict' },
    );

    renderPage();
    fireEvent.click(within(await card()).getByRole('button', { name: 'Sửa lại và gửi lại' }));

    const notes = await screen.findByLabelText<HTMLTextAreaElement>('Ghi chú');
    expect(notes.value).toBe('Bản của tôi');
    expect(screen.getByText(/máy chủ chưa nhận\. Bấm “Lưu” để gửi lại/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Lưu' }));

    await screen.findByText('home');
    expect(await listAttention(db)).toEqual([]);
    const [queued] = await peekOutbox(db, 10);
    expect(queued).toMatchObject({ name: 'log.update', entityId: id, baseVersion: 2 });
    expect(queued?.payload?.notes).toBe('Bản của tôi');
    expect((await getLog(db, id))?.syncState).toBe('pending');
  });

  it('approved_locked: explains the change went to the coordinator as an amendment request', async () => {
    const id = await refusedEdit(
      makeContent({ notes: 'Thêm một người' }),
      (logId) => makeRecord(logId, makeContent(), { version: 2, status: 'approved' }),
      { status: 'conflict', reason: 'approved_locked' },
    );

    renderPage();
    const item = await card();

    expect(item.textContent).toContain('Thay đổi đã được gửi cho cán bộ xã dưới dạng đề nghị sửa');
    expect(diffRows(item)).toEqual([['Ghi chú', 'Thêm một người', 'Cài VNeID cho hai ông bà']]);
    expect(buttonNames(item)).toEqual(['Đã hiểu']);

    fireEvent.click(within(item).getByRole('button', { name: 'Đã hiểu' }));
    await screen.findByText('Đã ghi nhận.');
    expect((await getLog(db, id))?.syncState).toBe('synced');
    expect((await getLog(db, id))?.status).toBe('approved');
  });

  it('approved_locked on a delete: says the deletion waits for the coordinator', async () => {
    const id = await syncedLog();
    await deleteLog(db, id, user.id);
    await pushAnswered(() => ({
      status: 'conflict',
      reason: 'approved_locked',
      record: makeRecord(id, makeContent(), { version: 2, status: 'approved' }),
    }));

    renderPage();
    const item = await card();

    expect(item.textContent).toContain('Cán bộ xã đã duyệt buổi này nên chưa xóa được');
    expect(item.textContent).toContain('Bạn đã xóa buổi này trên máy.');
    expect(buttonNames(item)).toEqual(['Đã hiểu']);
  });

  it('deleted: shows the phone\'s version and "Tạo lại buổi này" saves it as a NEW session', async () => {
    const mine = makeContent({ notes: 'Sửa khi chưa có mạng' });
    const id = await refusedEdit(
      mine,
      (logId) => makeRecord(logId, makeContent(), { version: 2, deleted: true }),
      { status: 'conflict', reason: 'deleted' },
    );

    renderPage();
    const item = await card();

    expect(item.textContent).toContain('Buổi này đã bị xóa trên máy chủ');
    expect(within(item).getByRole('table', { name: 'Bản trên máy bạn' })).toBeTruthy();
    expect(diffRows(item)).toContainEqual(['Ghi chú', 'Sửa khi chưa có mạng']);
    expect(diffRows(item)).toContainEqual(['Thôn/ấp', 'Thôn Đông']);
    expect(buttonNames(item)).toEqual(['Tạo lại buổi này', 'Giữ bản trên máy chủ']);

    fireEvent.click(within(item).getByRole('button', { name: 'Tạo lại buổi này' }));

    expect(await screen.findByText(/Đã tạo lại buổi hỗ trợ trên máy/)).toBeTruthy();
    const logs = await listLogs(db);
    expect(logs).toHaveLength(1);
    expect(logs[0]?.id).not.toBe(id);
    expect(logs[0]?.notes).toBe('Sửa khi chưa có mạng');
    expect(logs[0]?.syncState).toBe('pending');
    expect((await peekOutbox(db, 10)).map((e) => e.name)).toEqual(['log.create']);
    expect(await getLog(db, id)).toBeUndefined(); // the deleted one stays deleted
    expect((await getSyncSummary(db)).attention).toBe(0);
  });

  it('rejected invalid on a new session: names the fields, says the server does not have it, and can remove it', async () => {
    const log = await saveLog(db, { content: makeContent(), userId: user.id });
    await pushAnswered(() => ({
      status: 'rejected',
      reason: 'invalid',
      problems: [{ field: 'skills.0.stepsDone', code: 'unknownStep' }],
    }));

    renderPage();
    const item = await card();

    expect(item.textContent).toContain('Máy chủ thấy có ô chưa hợp lệ');
    expect(within(item).getByText('Các bước đã làm: có bước không có trong chương trình'));
    expect(item.textContent).toContain('Máy chủ chưa có buổi này.');
    expect(within(item).queryByRole('table')).toBeNull();
    expect(buttonNames(item)).toEqual(['Sửa lại và gửi lại', 'Xóa buổi này khỏi máy']);

    fireEvent.click(within(item).getByRole('button', { name: 'Xóa buổi này khỏi máy' }));

    await screen.findByText('Đã bỏ thay đổi này.');
    expect(await getLog(db, log.id)).toBeUndefined();
    expect(await peekOutbox(db, 10)).toEqual([]);
    expect(await getSyncSummary(db)).toEqual({ pending: 0, oldestPendingAt: null, attention: 0 });
  });

  it('rejected invalid: fixing it in the form sends it again as a create', async () => {
    const log = await saveLog(db, { content: makeContent({ notes: 'lần đầu' }), userId: user.id });
    await pushAnswered(() => ({ status: 'rejected', reason: 'invalid', problems: [] }));

    renderPage();
    fireEvent.click(within(await card()).getByRole('button', { name: 'Sửa lại và gửi lại' }));
    const notes = await screen.findByLabelText<HTMLTextAreaElement>('Ghi chú');
    expect(notes.value).toBe('lần đầu');
    fireEvent.input(notes, { target: { value: 'đã sửa' } });
    fireEvent.click(screen.getByRole('button', { name: 'Lưu' }));

    await screen.findByText('home');
    expect(await listAttention(db)).toEqual([]);
    const queued = await peekOutbox(db, 10);
    expect(queued.map((e) => [e.name, e.entityId, e.payload?.notes])).toEqual([
      ['log.create', log.id, 'đã sửa'],
    ]);
  });

  it.each([
    ['forbidden', 'Máy chủ không cho tài khoản của bạn ghi buổi này'],
    ['idempotency_key_reuse', 'Máy chủ đã nhận một thay đổi khác có cùng mã'],
    ['not_found', 'Máy chủ không tìm thấy buổi này.'],
  ] as const)('rejected %s: says so in plain words', async (reason, text) => {
    await saveLog(db, { content: makeContent(), userId: user.id });
    await pushAnswered(() => ({ status: 'rejected', reason }));

    renderPage();
    const item = await card();

    expect(item.textContent).toContain(text);
    expect(buttonNames(item)).toEqual(['Sửa lại và gửi lại', 'Xóa buổi này khỏi máy']);
  });

  it('rejected on an edit of a session the server has: offers to keep the server version', async () => {
    await refusedEdit(
      makeContent({ notes: 'x' }),
      (logId) => makeRecord(logId, makeContent(), { version: 1 }),
      { status: 'rejected', reason: 'forbidden' },
    );

    renderPage();
    const item = await card();

    expect(buttonNames(item)).toEqual(['Giữ bản trên máy chủ', 'Sửa lại và gửi lại']);
    expect(diffRows(item)).toEqual([['Ghi chú', 'x', 'Cài VNeID cho hai ông bà']]);
  });

  it("shows only one session's items when opened from that session (?log=)", async () => {
    const a = await saveLog(db, { content: makeContent({ notes: 'a' }), userId: user.id });
    await saveLog(db, { content: makeContent({ notes: 'b' }), userId: user.id });
    await pushAnswered(() => ({ status: 'rejected', reason: 'forbidden' }));

    renderPage(`/field/attention?log=${a.id}`);

    await card();
    expect(screen.getByRole('link', { name: 'Xem tất cả thay đổi cần xem lại' })).toBeTruthy();
  });
});

describe('links to the attention screen', () => {
  it('from the sync bar when something waits', () => {
    syncStatus.value = {
      state: 'idle',
      pending: 0,
      attention: 2,
      oldestPendingAt: null,
      lastSyncAt: null,
      lastError: null,
      clockSkewMs: null,
      stalled: false,
    };

    render(<SyncBar onSyncNow={() => undefined} />);

    expect(screen.getByText(/2 thay đổi cần bạn xem lại/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Xem và xử lý' }).getAttribute('href')).toBe(
      '/field/attention',
    );
  });

  it("from a flagged session's page", async () => {
    const id = await refusedEdit(
      makeContent({ notes: 'x' }),
      (logId) => makeRecord(logId, makeContent(), { version: 2 }),
      { status: 'conflict', reason: 'field_conflict' },
    );

    renderPage(`/field/log/${id}`);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('có người khác đã sửa cùng ô');
    expect(
      within(alert).getByRole('link', { name: 'Xem chi tiết và cách xử lý' }).getAttribute('href'),
    ).toBe(`/field/attention?log=${id}`);
  });
});

describe('last-resort export', () => {
  it('"Tải bản sao dữ liệu chưa gửi" saves every unsent session as a .json file', async () => {
    const log = await saveLog(db, { content: makeContent({ notes: 'chưa gửi' }), userId: user.id });
    const made: Blob[] = [];
    const clicked: string[] = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      made.push(b as Blob);
      return 'blob:sotay-test';
    });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(this.download);
    });
    try {
      renderPage();
      fireEvent.click(await screen.findByRole('button', { name: 'Tải bản sao dữ liệu chưa gửi' }));

      const status = await screen.findByRole('status');
      expect(status.textContent).toMatch(
        /^Đã tạo tệp sotay-chua-dong-bo-.*\.json với 1 buổi hỗ trợ chưa gửi\.$/,
      );
      expect(clicked).toHaveLength(1);
      expect(clicked[0]).toMatch(/^sotay-chua-dong-bo-\d{4}-\d{2}-\d{2}-\d{4}\.json$/);
      const doc = JSON.parse(await made[0]!.text()) as {
        logs: { id: string; content: { notes: string } }[];
      };
      expect(doc.logs.map((l) => [l.id, l.content.notes])).toEqual([[log.id, 'chưa gửi']]);
      expect(made[0]!.type).toBe('application/json');
    } finally {
      create.mockRestore();
      click.mockRestore();
    }
  });
});

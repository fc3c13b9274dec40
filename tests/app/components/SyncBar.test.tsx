import { describe, expect, it } from 'vitest';
import { render, screen, fireEvent } from '@testing-library/preact';
import { SyncBar } from '../../../src/app/components/SyncBar.tsx';
import { syncStatus } from '../../../src/app/session.ts';
import type { SyncStatus } from '../../../src/sync/engine.ts';

function status(patch: Partial<SyncStatus>): SyncStatus {
  return {
    state: 'idle',
    pending: 0,
    attention: 0,
    oldestPendingAt: null,
    lastSyncAt: null,
    lastError: null,
    clockSkewMs: null,
    stalled: false,
    ...patch,
  };
}

describe('SyncBar', () => {
  it('says in words how many sessions wait, that there is no network, and since when', () => {
    syncStatus.value = status({
      state: 'offline',
      pending: 2,
      oldestPendingAt: new Date(2026, 10, 21, 8, 5).getTime(),
    });

    render(<SyncBar onSyncNow={() => undefined} />);

    expect(screen.getByTestId('sync-state').textContent).toBe('2 buổi chờ gửi');
    expect(screen.getByText(/Không có mạng/)).toBeTruthy();
    const since = screen.getByText(/^Đang chờ từ/).textContent ?? '';
    expect(since).toContain('21/11/2026');
    expect(since).toContain('08:05');
  });

  it('says everything is synced and offers "Đồng bộ ngay"', () => {
    let clicked = 0;
    syncStatus.value = status({ state: 'idle', pending: 0 });

    render(<SyncBar onSyncNow={() => (clicked += 1)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Đồng bộ ngay' }));

    expect(screen.getByTestId('sync-state').textContent).toBe('Đã đồng bộ');
    expect(clicked).toBe(1);
  });

  it('warns when the phone clock is more than 10 minutes off', () => {
    syncStatus.value = status({ clockSkewMs: -25 * 60_000 });

    render(<SyncBar onSyncNow={() => undefined} />);

    expect(screen.getByRole('alert').textContent).toContain('lệch khoảng 25 phút');
  });

  it('shows the watchdog\'s banner "Chưa đồng bộ được trong 15 phút" with "Đồng bộ ngay" and the backup link', () => {
    let clicked = 0;
    syncStatus.value = status({
      state: 'error',
      pending: 3,
      oldestPendingAt: Date.now() - 20 * 60_000,
      stalled: true,
    });

    render(<SyncBar onSyncNow={() => (clicked += 1)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Đồng bộ ngay' }));

    expect(screen.getByRole('alert').textContent).toContain('Chưa đồng bộ được trong 15 phút');
    expect(clicked).toBe(1);
    expect(
      screen.getByRole('link', { name: 'Sao lưu dữ liệu chưa gửi' }).getAttribute('href'),
    ).toBe('/field/attention#unsent');
  });

  it('says how many days a session has waited once it is older than 3 days', () => {
    syncStatus.value = status({
      state: 'offline',
      pending: 1,
      oldestPendingAt: Date.now() - 4 * 86_400_000 - 60_000,
    });

    render(<SyncBar onSyncNow={() => undefined} />);

    expect(screen.getByRole('alert').textContent).toBe(
      'Có buổi hỗ trợ chưa gửi được 4 ngày. Hãy mở Sổ tay khi có mạng để gửi.',
    );
    expect(screen.getByRole('link', { name: 'Sao lưu dữ liệu chưa gửi' })).toBeTruthy();
  });

  it('does not warn about days, stalls or backups for a change waiting 3 days or less', () => {
    syncStatus.value = status({
      state: 'offline',
      pending: 1,
      oldestPendingAt: Date.now() - 3 * 86_400_000 + 60_000,
    });

    render(<SyncBar onSyncNow={() => undefined} />);

    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('link')).toBeNull();
  });
});

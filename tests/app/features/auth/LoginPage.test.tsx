import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/preact';
import { LocationProvider } from 'preact-iso';
import { LoginPage } from '../../../../src/app/features/auth/LoginPage.tsx';

function fillAndSubmit(password: string) {
  render(
    <LocationProvider>
      <LoginPage />
    </LocationProvider>,
  );
  fireEvent.input(screen.getByLabelText('Tên đăng nhập'), { target: { value: 'tnv.an' } });
  fireEvent.input(screen.getByLabelText('Mật khẩu'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Đăng nhập' }));
}

describe('LoginPage', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('says the name or password is wrong when the server refuses them', async () => {
    // The browser's fetch, answered as the server does (the page loads the real API client).
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        new Response(JSON.stringify({ error: 'bad_credentials' }), {
          status: 401,
          headers: { 'content-type': 'application/json' },
        }),
      ),
    );
    fillAndSubmit('sai-mat-khau');

    expect((await screen.findByRole('alert')).textContent).toBe(
      'Tên đăng nhập hoặc mật khẩu không đúng.',
    );
  });

  it('says how long to wait after too many wrong passwords', async () => {
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        new Response(JSON.stringify({ error: 'too_many_attempts', retryAfterSeconds: 90 }), {
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': '90' },
        }),
      ),
    );
    fillAndSubmit('sotay-demo');

    expect((await screen.findByRole('alert')).textContent).toBe(
      'Đã nhập sai quá nhiều lần. Để bảo vệ tài khoản, hãy thử lại sau 2 phút.',
    );
  });

  it('says sign-in needs the network when there is none', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    fillAndSubmit('sotay-demo');

    expect((await screen.findByRole('alert')).textContent).toBe(
      'Chưa có mạng. Cần có mạng để đăng nhập lần đầu.',
    );
  });

  it('names both empty fields in Vietnamese without calling the server', async () => {
    render(
      <LocationProvider>
        <LoginPage />
      </LocationProvider>,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Đăng nhập' }));

    expect(await screen.findByText('Tên đăng nhập: bắt buộc, chưa nhập')).toBeTruthy();
    expect(screen.getByText('Mật khẩu: bắt buộc, chưa nhập')).toBeTruthy();
    expect(screen.getByLabelText('Tên đăng nhập').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Tên đăng nhập').getAttribute('aria-describedby')).toBe(
      'username-error',
    );
  });
});

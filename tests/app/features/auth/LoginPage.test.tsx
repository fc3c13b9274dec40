import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/preact';
import { LocationProvider } from 'preact-iso';
import { LoginPage } from '../../../../src/app/features/auth/LoginPage.tsx';

describe('LoginPage', () => {
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

/** A one-shot message carried across a route change ("Đã lưu trên máy"). */
let pending: string | null = null;

export function flash(message: string): void {
  pending = message;
}

export function takeFlash(): string | null {
  const m = pending;
  pending = null;
  return m;
}

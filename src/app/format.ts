/** Display formats: dates dd/mm/yyyy, numbers in the Vietnamese style. */

/** `2026-11-21` → `21/11/2026`. */
export function formatIsoDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return y && m && d ? `${d}/${m}/${y}` : iso;
}

/** A device timestamp as `21/11/2026 14:05` in local time. */
export function formatDateTime(ms: number, lng: string): string {
  return new Intl.DateTimeFormat(lng === 'en' ? 'en-GB' : 'vi-VN', {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(ms);
}

/** Today on this device as `YYYY-MM-DD` (local time). */
export function todayIso(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

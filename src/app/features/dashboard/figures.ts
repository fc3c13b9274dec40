/** What the dashboard and the report share: the periods offered, and percentages as people write them. */
import type { useTranslation } from '../../use-translation.ts';

type T = ReturnType<typeof useTranslation>['t'];

/** The periods offered: the last 12 months, the last 4 quarters, this year and the last. */
export function periodChoices(today: string, t: T): { key: string; label: string }[] {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const months = Array.from({ length: 12 }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    const mm = d.getUTCMonth() + 1;
    const yy = d.getUTCFullYear();
    return {
      key: `${yy}-${String(mm).padStart(2, '0')}`,
      label: t('dashboard.month', { m: mm, y: yy }),
    };
  });
  const q0 = Math.floor((m - 1) / 3);
  const quarters = Array.from({ length: 4 }, (_, i) => {
    const q = (((q0 - i) % 4) + 4) % 4;
    const yy = y - (i > q0 ? 1 : 0);
    return { key: `${yy}-Q${q + 1}`, label: t('dashboard.quarter', { q: q + 1, y: yy }) };
  });
  const years = [y, y - 1].map((yy) => ({
    key: String(yy),
    label: t('dashboard.year', { y: yy }),
  }));
  return [...months, ...quarters, ...years];
}

/** 0.125 → "12,5 %" (vi) or "12.5 %" (en); null → "—". */
export const percent = (x: number | null, lng: string) =>
  x === null
    ? '—'
    : `${(x * 100).toLocaleString(lng === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 })} %`;

/**
 * CSV files that open correctly in Excel with Vietnamese text: UTF-8 with a
 * byte-order mark (without it Excel reads the bytes as the system code page),
 * CRLF line ends, RFC 4180 quoting. A cell that a spreadsheet would run as a
 * formula (`=`, `+`, `-`, `@` first) is written with a leading apostrophe,
 * so a volunteer's note can never become one.
 */

export type Cell = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;

function cellText(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'number') return Number.isFinite(c) ? String(c) : '';
  const text = FORMULA_START.test(c) ? `'${c}` : c;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The file's text, byte-order mark first. */
export function csvText(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const lines = [headers, ...rows].map((r) => r.map(cellText).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Saves `content` as a download named `filename` (the browser's "save" flow). */
export function download(filename: string, content: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadCsv(
  filename: string,
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
): void {
  download(filename, csvText(headers, rows), 'text/csv;charset=utf-8');
}

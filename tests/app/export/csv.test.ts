/**
 * CSV export (src/app/export/csv.ts): what a spreadsheet reads back is what
 * the page showed, Vietnamese intact, with a byte-order mark; no cell turns
 * into a formula.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvText } from '../../../src/app/export/csv.ts';

/** A plain RFC 4180 reader, as a spreadsheet program reads the file. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

describe('csvText', () => {
  it('starts with a byte-order mark and keeps Vietnamese, commas, quotes and new lines', () => {
    const text = csvText(
      ['Thôn/ấp', 'Số buổi', 'Ghi chú'],
      [
        ['Thôn Đông', 12, 'Bà Nguyễn Thị Ánh, 72 tuổi'],
        ['Ấp "Mới"', 0, 'dòng 1\ndòng 2'],
        ['Xã', null, ''],
      ],
    );
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(parseCsv(text.slice(1))).toEqual([
      ['Thôn/ấp', 'Số buổi', 'Ghi chú'],
      ['Thôn Đông', '12', 'Bà Nguyễn Thị Ánh, 72 tuổi'],
      ['Ấp "Mới"', '0', 'dòng 1\ndòng 2'],
      ['Xã', '', ''],
    ]);
  });

  it('never lets a cell start a formula', () => {
    const rows = parseCsv(
      csvText(['a'], [['=HYPERLINK("x")'], ['+1'], ['-2'], ['@SUM(A1)']]).slice(1),
    );
    expect(rows.slice(1).map((r) => r[0])).toEqual([`'=HYPERLINK("x")`, "'+1", "'-2", "'@SUM(A1)"]);
  });

  it('reads back any table of text and numbers as written', () => {
    const cell = fc.oneof(
      fc.string({ unit: 'grapheme' }).filter((s) => !/^[=+\-@\t\r]/.test(s)),
      fc.integer(),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { maxLength: 10 }),
        (rows) => {
          const back = parseCsv(csvText(['x', 'y'], rows).slice(1));
          expect(back).toEqual([['x', 'y'], ...rows.map((r) => r.map(String))]);
        },
      ),
    );
  });
});

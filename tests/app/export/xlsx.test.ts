/**
 * XLSX export (src/app/export/xlsx.ts): the archive is a valid ZIP (every
 * entry's CRC checks), its sheet holds exactly the table, Vietnamese intact
 * and numbers as numbers; Python's zipfile and XML reader, an independent
 * implementation, read the same cells when python3 is on the machine.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 as nodeCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columnName, crc32, xlsxBytes } from '../../../src/app/export/xlsx.ts';

/** The stored entries of a ZIP, by name, checking each CRC-32 against node's. */
function unzipStored(bytes: Uint8Array): Map<string, string> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, string>();
  let at = 0;
  while (view.getUint32(at, true) === 0x04034b50) {
    expect(view.getUint16(at + 8, true)).toBe(0); // stored
    const crc = view.getUint32(at + 14, true);
    const size = view.getUint32(at + 18, true);
    const nameLen = view.getUint16(at + 26, true);
    const extra = view.getUint16(at + 28, true);
    const name = new TextDecoder().decode(bytes.slice(at + 30, at + 30 + nameLen));
    const data = bytes.slice(at + 30 + nameLen + extra, at + 30 + nameLen + extra + size);
    expect(nodeCrc32(data)).toBe(crc);
    out.set(name, new TextDecoder().decode(data));
    at += 30 + nameLen + extra + size;
  }
  return out;
}

/** The sheet's cells as rows of text, read from its XML (any character, U+2028 too, inside a cell). */
function cells(sheet: string): string[][] {
  return [...sheet.matchAll(/<row r="\d+">([\s\S]*?)<\/row>/g)].map((m) =>
    [
      ...m[1]!.matchAll(
        /<c r="[A-Z]+\d+"[^>]*>(?:<v>([\s\S]*?)<\/v>|<is><t[^>]*>([\s\S]*?)<\/t><\/is>)<\/c>/g,
      ),
    ].map((c) =>
      (c[1] ?? c[2] ?? '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&'),
    ),
  );
}

describe('xlsxBytes', () => {
  it('writes a workbook whose sheet is the table, Vietnamese and numbers intact', () => {
    const bytes = xlsxBytes(
      'Theo thôn, ấp',
      ['Thôn/ấp', 'Số buổi', 'Ghi chú'],
      [
        ['Thôn Đông', 12, 'Bà Ánh <72 tuổi> & "con"'],
        ['Ấp Bình An', 0, '=1+1'],
        ['dòng\u2028mới', -3, 'a\tb'],
      ],
    );
    const files = unzipStored(bytes);
    expect([...files.keys()].sort()).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml',
    ]);
    const sheet = files.get('xl/worksheets/sheet1.xml')!;
    expect(cells(sheet)).toEqual([
      ['Thôn/ấp', 'Số buổi', 'Ghi chú'],
      ['Thôn Đông', '12', 'Bà Ánh <72 tuổi> & "con"'],
      ['Ấp Bình An', '0', '=1+1'],
      ['dòng\u2028mới', '-3', 'a\tb'],
    ]);
    // 12 is a number cell; "=1+1" is text, never a formula.
    expect(sheet).toContain('<c r="B2"><v>12</v></c>');
    expect(sheet).not.toContain('<f>');
    expect(files.get('xl/workbook.xml')).toContain('name="Theo thôn, ấp"');
  });

  it('is read the same by an independent ZIP and XML reader (Python), when there is one', () => {
    if (spawnSync('python3', ['--version']).status !== 0) return;
    const dir = mkdtempSync(join(tmpdir(), 'sotay-xlsx-'));
    const file = join(dir, 'bang.xlsx');
    writeFileSync(
      file,
      xlsxBytes(
        'Bảng',
        ['Tên', 'Số'],
        [
          ['Nguyễn Thị Ánh', 3],
          ['Ưu', null],
        ],
      ),
    );
    const script = `
import sys, zipfile, json, xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
rows = []
for row in ET.fromstring(z.read('xl/worksheets/sheet1.xml')).iter('{%s}row' % ns['m']):
    out = []
    for c in row:
        v = c.find('m:v', ns); t = c.find('m:is/m:t', ns)
        out.append(v.text if v is not None else t.text)
    rows.append(out)
print(json.dumps(rows, ensure_ascii=False))`;
    const rows = JSON.parse(
      execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }),
    ) as unknown;
    expect(rows).toEqual([['Tên', 'Số'], ['Nguyễn Thị Ánh', '3'], ['Ưu']]);
  });

  it('names columns as spreadsheets do, and computes the ZIP checksum as zlib does', () => {
    expect([0, 25, 26, 27, 51, 52, 701, 702].map(columnName)).toEqual([
      'A',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
    ]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(crc32(b)).toBe(nodeCrc32(b));
      }),
    );
  });

  it('reads back any table of text and numbers as written', () => {
    const cell = fc.oneof(
      fc
        .string({ unit: 'grapheme', minLength: 1 })
        .filter((s) => s.trim() === s && [...s].every((ch) => ch.codePointAt(0)! >= 0x20)),
      fc.integer(),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { maxLength: 8 }),
        (rows) => {
          const files = unzipStored(xlsxBytes('S', ['x', 'y'], rows));
          expect(cells(files.get('xl/worksheets/sheet1.xml')!)).toEqual([
            ['x', 'y'],
            ...rows.map((r) => r.map(String)),
          ]);
        },
      ),
    );
  });
});

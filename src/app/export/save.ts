/**
 * Saves a table the page shows as CSV or XLSX. The XLSX writer loads only
 * when asked for (it is not part of any page's first download).
 */
import { download, downloadCsv, type Cell } from './csv.ts';

export async function saveTable(
  basename: string,
  sheetName: string,
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  format: 'csv' | 'xlsx',
): Promise<void> {
  if (format === 'csv') return downloadCsv(`${basename}.csv`, headers, rows);
  const { xlsxBytes, XLSX_TYPE } = await import('./xlsx.ts');
  download(`${basename}.xlsx`, xlsxBytes(sheetName, headers, rows), XLSX_TYPE);
}

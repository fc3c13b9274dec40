/**
 * Vietnamese text folding for search: "Thôn Đông" and "thon dong" match.
 * Sorting is separate (Intl.Collator 'vi'); folding is only for matching.
 */

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/**
 * Lower-cases, strips tone and vowel marks and maps đ/Đ to d.
 * @param text any user text
 * @returns the folded text, for comparison only (never shown)
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether every word of `query` occurs in `text`, ignoring marks and case. */
export function matchesFolded(text: string, query: string): boolean {
  const hay = foldText(text);
  return foldText(query)
    .split(' ')
    .filter((w) => w.length > 0)
    .every((w) => hay.includes(w));
}

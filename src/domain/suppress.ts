/**
 * Small-count suppression for the province's aggregates (DOMAIN.md §E.6):
 * a count from 1 to SMALL_COUNT - 1 is shown as "fewer than 5", never as the
 * number, so a small hamlet's few residents cannot be picked out. Zero is
 * shown (it describes nobody).
 *
 * A breakdown whose cells add up to a total that is shown (age bands of the
 * residents, sessions by language) would give a single hidden cell away by
 * subtraction, so there a second cell is hidden too: the smallest other
 * non-zero one (complementary suppression).
 */
export const SMALL_COUNT = 5;

/** A count as the province may see it: the number, or null for "fewer than SMALL_COUNT". */
export type Shown = number | null;

export function suppressCount(n: number): Shown {
  return n > 0 && n < SMALL_COUNT ? null : n;
}

/**
 * Suppresses the cells of a breakdown whose total is shown.
 * @param cells the counts, keyed by category
 * @param totalShown false when the cells' total is itself hidden (a cell of another breakdown)
 * @returns the same keys, small cells (and, where one alone would be hidden, a second) as null
 */
export function suppressBreakdown<K extends string>(
  cells: Record<K, number>,
  totalShown = true,
): Record<K, Shown> {
  const keys = Object.keys(cells) as K[];
  const hidden = new Set(keys.filter((k) => suppressCount(cells[k]) === null));
  // With its total shown, one hidden cell is the total minus the others; with
  // the total hidden (as another breakdown's second cell), no cell hidden
  // would give that total away as the sum of the cells.
  if (hidden.size === (totalShown ? 1 : 0)) {
    const next = keys
      .filter((k) => !hidden.has(k) && cells[k] > 0)
      .sort((a, b) => cells[a] - cells[b] || a.localeCompare(b))[0];
    if (next !== undefined) hidden.add(next);
  }
  return Object.fromEntries(keys.map((k) => [k, hidden.has(k) ? null : cells[k]])) as Record<
    K,
    Shown
  >;
}

/**
 * A count that is part of a shown whole (approved sessions of all the
 * sessions): hidden when it is small, and when the rest (whole − part) is,
 * since subtracting would give the rest away.
 */
export function suppressPart(part: number, whole: Shown): Shown {
  if (suppressCount(part) === null) return null;
  if (whole !== null && suppressCount(whole - part) === null) return null;
  return part;
}

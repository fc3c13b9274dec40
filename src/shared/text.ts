/**
 * Well-formed text. A JavaScript string can hold a lone UTF-16 surrogate
 * (`"\ud83d"` in JSON, or half an emoji cut by a length limit). UTF-8 cannot
 * represent one and PostgreSQL `jsonb` refuses it, so every free-text field
 * refuses it up front (code `invalid`).
 *
 * Not `String.prototype.isWellFormed`: older Android WebViews lack it.
 */

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** A surrogate pair, or else a single surrogate (no lookbehind: older Safari lacks it). */
const SURROGATES = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g;

/** True when `s` has no lone surrogate (every UTF-16 string a UTF-8 encoder keeps as is). */
export function isWellFormedText(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** `s` with every lone surrogate replaced by U+FFFD (for echoing bad input back safely). */
export function toWellFormedText(s: string): string {
  return s.replace(SURROGATES, (m) => (m.length === 2 ? m : '\uFFFD'));
}

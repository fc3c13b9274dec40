/**
 * Text PostgreSQL cannot store: `text` cannot hold U+0000 and `jsonb` refuses
 * a lone UTF-16 surrogate (`"\ud83d"`), so either makes the query fail.
 * Inputs are checked for both up front, keys and unknown fields included, so
 * that is a 4xx (or a per-mutation rejection), never a 500.
 */
import { isWellFormedText, toWellFormedText } from '../../shared/text.ts';

/** True for a string that PostgreSQL can store as text and as jsonb. */
export function isStorableText(s: string): boolean {
  return !s.includes('\0') && isWellFormedText(s);
}

/** A key made safe to echo back as a problem's `field` (and to store in a `jsonb` result). */
export function storableKey(k: string): string {
  return toWellFormedText(k.replaceAll('\0', '').slice(0, 64));
}

/** A problem's `field`: at most 16 keys deep, each at most 64 characters, storable. */
function fieldOf(keys: readonly string[]): string {
  return keys.slice(0, 16).map(storableKey).join('.');
}

interface PathNode {
  key: string;
  depth: number;
  parent: PathNode | null;
}

function pathOf(node: PathNode | null): string[] {
  const keys: string[] = [];
  for (let n = node; n !== null; n = n.parent) keys.push(n.key);
  return keys.reverse();
}

function matches(node: PathNode, pattern: readonly string[]): boolean {
  if (node.depth !== pattern.length) return false;
  let n: PathNode | null = node;
  for (let i = pattern.length - 1; i >= 0 && n !== null; i--, n = n.parent) {
    if (pattern[i] !== '*' && pattern[i] !== n.key) return false;
  }
  return true;
}

/**
 * The dotted path of the first string (or object key) containing U+0000 or a
 * lone surrogate. Iterative, so a deeply nested body cannot overflow the stack.
 * @param skip a subtree not to look into, `*` matching any key (push payloads
 *   are checked per mutation: `['mutations', '*', 'payload']`)
 * @returns the path ('' for the root), or null when there is none
 */
export function findBadText(value: unknown, skip?: readonly string[]): string | null {
  const stack: [unknown, PathNode | null][] = [[value, null]];
  while (stack.length > 0) {
    const [v, node] = stack.pop()!;
    if (typeof v === 'string') {
      if (!isStorableText(v)) return fieldOf(pathOf(node));
    } else if (typeof v === 'object' && v !== null) {
      const entries: [string, unknown][] = Array.isArray(v)
        ? v.map((child, i) => [String(i), child])
        : Object.entries(v);
      const bad = entries.find(([k]) => !isStorableText(k));
      if (bad) return fieldOf([...pathOf(node), bad[0]]);
      const depth = (node?.depth ?? 0) + 1;
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const childNode: PathNode = { key, depth, parent: node };
        if (skip && matches(childNode, skip)) continue;
        stack.push([child, childNode]);
      }
    }
  }
  return null;
}

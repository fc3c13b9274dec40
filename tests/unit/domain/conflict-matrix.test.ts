/**
 * SYNC.md §4 M3: the conflict rule of §3.5 (as amended in src/server/README.md),
 * exhaustively. Every cell of
 *   state {submitted, changes_requested, approved, tombstoned}
 *   × actor {author (same phone), author's 2nd device, coordinator}
 *   × base {= current, < current via a content change, < current via a review}
 *   × field overlap {yes, no}
 * is computed with the pure functions the server applies (decideMutation and
 * mergeOutcome for a volunteer's log.update, decideReviewAction for a
 * coordinator's decision) and compared with the table below, written from §3.5.
 *
 * Some cells cannot arise on a real server (e.g. "submitted, behind via a
 * review": a review leaves the log approved or returned); the rule still has
 * one answer for them, and it is checked like the others.
 */
import { describe, expect, it } from 'vitest';
import { decideMutation, mergeOutcome, type MutationFacts } from '../../../src/domain/conflict.ts';
import { decideReviewAction } from '../../../src/domain/review.ts';
import type { MutationName } from '../../../src/shared/protocol.ts';
import type { LogContent } from '../../../src/shared/schemas/log.ts';

const STATES = ['submitted', 'changes_requested', 'approved', 'tombstoned'] as const;
const ACTORS = ['author', 'second_device', 'coordinator'] as const;
const BASES = ['current', 'behind_content', 'behind_review'] as const;
const OVERLAPS = ['overlap', 'no_overlap'] as const;
type State = (typeof STATES)[number];
type Actor = (typeof ACTORS)[number];
type Base = (typeof BASES)[number];
type Overlap = (typeof OVERLAPS)[number];

/**
 * Outcomes, in words:
 * - volunteer: `applied` (content written, version+1, status back to submitted);
 *   `merged` (the other side's fields kept, ours written, version+1, submitted);
 *   `merged+field_conflict` (as merged, the clashing field keeps the server value,
 *   our payload kept in sync_conflict and attention); `amendment` (not applied:
 *   conflict approved_locked, kept as an amendment for the coordinator);
 *   `deleted` (not applied: conflict deleted, payload kept); `tombstoned`;
 *   `duplicate` (nothing to write);
 * - coordinator, "approve / return": `approved`, `changes_requested`,
 *   `unchanged` (approving an approved log, 200), `409 version_mismatch`,
 *   `409 invalid_transition`, `404`.
 */
type Cell = string | Record<Overlap, string>;

const VOLUNTEER_OPEN: Record<'author' | 'second_device', Record<Base, Cell>> = {
  author: { current: 'applied', behind_content: 'applied', behind_review: 'applied' },
  second_device: {
    current: 'applied',
    behind_content: { overlap: 'merged+field_conflict', no_overlap: 'merged' },
    behind_review: 'applied',
  },
};
const COORDINATOR_OPEN: Record<Base, Cell> = {
  current: 'approved / changes_requested',
  behind_content: '409 version_mismatch / 409 version_mismatch',
  behind_review: '409 version_mismatch / 409 version_mismatch',
};
const all = (cell: string): Record<Base, Cell> => ({
  current: cell,
  behind_content: cell,
  behind_review: cell,
});

/** §3.5, log.update by the volunteer and approve / return by the coordinator. */
const TABLE: Record<State, Record<Actor, Record<Base, Cell>>> = {
  submitted: { ...VOLUNTEER_OPEN, coordinator: COORDINATOR_OPEN },
  changes_requested: { ...VOLUNTEER_OPEN, coordinator: COORDINATOR_OPEN },
  approved: {
    author: all('amendment'),
    second_device: all('amendment'),
    coordinator: {
      current: 'unchanged / 409 invalid_transition',
      behind_content: '409 version_mismatch / 409 version_mismatch',
      behind_review: '409 version_mismatch / 409 version_mismatch',
    },
  },
  tombstoned: {
    author: all('deleted'),
    second_device: all('deleted'),
    coordinator: all('404 / 404'),
  },
};

/** §3.5, log.delete by the volunteer (delete wins over edits; approved is locked). */
const DELETE_TABLE: Record<State, string> = {
  submitted: 'tombstoned',
  changes_requested: 'tombstoned',
  approved: 'amendment',
  tombstoned: 'duplicate',
};

const AUTHOR = 'u-an';
const COMMUNE = 'tan-phu';
const VERSION = 3;

const BASE: LogContent = {
  communeId: COMMUNE,
  hamletId: 'tan-phu-dong',
  activityDate: '2025-03-14',
  kind: 'home_visit',
  residents: { under30: 0, from30to59: 1, over60: 1 },
  language: 'vi',
  skills: [{ skillId: 'test-skill', contentVersion: 1, stepsDone: ['step-a'] }],
  outcome: 'done',
  notes: 'gốc',
};

/** The server's content now: a content change since the base touched `notes`. */
function serverContent(base: Base): LogContent {
  return base === 'behind_content' ? { ...BASE, notes: 'máy kia' } : BASE;
}

/** The incoming edit: `kind` always, and `notes` too when it overlaps. */
function localContent(overlap: Overlap): LogContent {
  return overlap === 'overlap'
    ? { ...BASE, kind: 'group_class', notes: 'máy này' }
    : { ...BASE, kind: 'group_class' };
}

function volunteerOutcome(
  name: MutationName,
  state: State,
  actor: 'author' | 'second_device',
  base: Base,
  overlap: Overlap,
  server: LogContent = serverContent(base),
  local: LogContent = localContent(overlap),
): string {
  const facts: MutationFacts = {
    name,
    actorId: AUTHOR,
    actorCommuneId: COMMUNE,
    payloadCommuneId: name === 'log.delete' ? null : COMMUNE,
    stored: {
      authorId: AUTHOR,
      communeId: COMMUNE,
      status: state === 'tombstoned' ? 'submitted' : state,
      deleted: state === 'tombstoned',
      version: VERSION,
    },
    baseVersion: base === 'current' ? VERSION : VERSION - 1,
    sameContent: false,
    // "Another actor" is another client's content revision (never a clock).
    otherWriterSinceBase: base === 'behind_content' && actor === 'second_device',
  };
  const d = decideMutation(facts);
  switch (d.action) {
    case 'apply':
      return 'applied';
    case 'tombstone':
      return 'tombstoned';
    case 'duplicate':
      return 'duplicate';
    case 'conflict':
      // Conflicts always keep the payload: say where.
      expect(d.store).toBe(d.reason === 'approved_locked' ? 'amendment' : 'deleted');
      return d.reason === 'approved_locked' ? 'amendment' : 'deleted';
    case 'merge': {
      const m = mergeOutcome(BASE, server, local);
      if (!m.write)
        return m.conflicts.length > 0 ? 'field_conflict (nothing written)' : 'duplicate';
      // The merged content keeps the server's side of a clash and takes ours elsewhere.
      for (const f of m.conflicts) expect(m.content[f]).toEqual(server[f]);
      return m.conflicts.length > 0 ? 'merged+field_conflict' : 'merged';
    }
    default:
      return d.action === 'reject' ? `rejected ${d.reason}` : d.action;
  }
}

function coordinatorOutcome(state: State, base: Base): string {
  const one = (decision: 'approve' | 'return') => {
    const a = decideReviewAction({
      status: state === 'tombstoned' ? 'submitted' : state,
      deleted: state === 'tombstoned',
      version: VERSION,
      // The coordinator saw the base version.
      expectedVersion: base === 'current' ? VERSION : VERSION - 1,
      decision,
    });
    switch (a.action) {
      case 'apply':
        return a.status;
      case 'unchanged':
        return 'unchanged';
      case 'not_found':
        return '404';
      default:
        return `409 ${a.action}`;
    }
  };
  return `${one('approve')} / ${one('return')}`;
}

const cells: [State, Actor, Base, Overlap][] = [];
for (const st of STATES)
  for (const ac of ACTORS)
    for (const b of BASES) for (const o of OVERLAPS) cells.push([st, ac, b, o]);

describe('M3: the conflict table, every cell', () => {
  it('has 4 states × 3 actors × 3 bases × 2 overlaps = 72 cells', () => {
    expect(cells).toHaveLength(72);
  });

  it.each(cells)('%s, %s, base %s, %s', (state, actor, base, overlap) => {
    const cell = TABLE[state][actor][base];
    const expected = typeof cell === 'string' ? cell : cell[overlap];
    const actual =
      actor === 'coordinator'
        ? coordinatorOutcome(state, base)
        : volunteerOutcome('log.update', state, actor, base, overlap);
    expect(actual).toBe(expected);
  });

  const deletes: [State, 'author' | 'second_device', Base][] = [];
  for (const st of STATES)
    for (const ac of ['author', 'second_device'] as const)
      for (const b of BASES) deletes.push([st, ac, b]);

  it.each(deletes)('a delete: %s, %s, base %s', (state, actor, base) => {
    expect(volunteerOutcome('log.delete', state, actor, base, 'no_overlap')).toBe(
      DELETE_TABLE[state],
    );
  });

  it('an edit from another device that only clashes writes nothing and keeps the payload', () => {
    const onlyClash = { ...BASE, notes: 'máy này' };
    expect(
      volunteerOutcome(
        'log.update',
        'submitted',
        'second_device',
        'behind_content',
        'overlap',
        serverContent('behind_content'),
        onlyClash,
      ),
    ).toBe('field_conflict (nothing written)');
  });

  it('an edit from another device that the server already has is a duplicate, not a conflict', () => {
    const same = { ...BASE, notes: 'máy kia' };
    expect(
      volunteerOutcome(
        'log.update',
        'changes_requested',
        'second_device',
        'behind_content',
        'overlap',
        serverContent('behind_content'),
        same,
      ),
    ).toBe('duplicate');
  });
});

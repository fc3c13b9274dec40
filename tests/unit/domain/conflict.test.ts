import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  changedFields,
  decideMutation,
  mergeContent,
  type MutationDecision,
  type MutationFacts,
  type StoredLogFacts,
} from '../../../src/domain/conflict.ts';
import type { MutationName } from '../../../src/shared/protocol.ts';
import { LOG_STATUSES, type LogContent } from '../../../src/shared/schemas/log.ts';

const ME = 'u-an';
const COMMUNE = 'tan-phu';

type FactsOverride = Partial<Omit<MutationFacts, 'stored'>> & {
  stored?: Partial<StoredLogFacts> | null;
};

function facts(over: FactsOverride = {}): MutationFacts {
  const { stored, ...rest } = over;
  return {
    name: 'log.update',
    actorId: ME,
    actorCommuneId: COMMUNE,
    payloadCommuneId: COMMUNE,
    baseVersion: 3,
    sameContent: false,
    otherWriterSinceBase: false,
    ...rest,
    stored:
      stored === null
        ? null
        : {
            authorId: ME,
            communeId: COMMUNE,
            status: 'submitted',
            deleted: false,
            version: 3,
            ...stored,
          },
  };
}

type Row = [string, FactsOverride, MutationDecision];

const TABLE: Row[] = [
  // log.create
  ['create, id absent', { name: 'log.create', stored: null }, { action: 'insert' }],
  [
    'create, same author, same content',
    { name: 'log.create', sameContent: true },
    { action: 'duplicate' },
  ],
  [
    'create, same author, other content',
    { name: 'log.create' },
    { action: 'reject', reason: 'invalid', problem: { field: 'entityId', code: 'duplicate' } },
  ],
  [
    'create, other author',
    { name: 'log.create', sameContent: true, stored: { authorId: 'u-binh' } },
    { action: 'reject', reason: 'forbidden' },
  ],
  [
    'create, other commune row',
    { name: 'log.create', stored: { communeId: 'xa-khac' } },
    { action: 'reject', reason: 'forbidden' },
  ],
  [
    'create, payload for another commune',
    { name: 'log.create', stored: null, payloadCommuneId: 'xa-khac' },
    { action: 'reject', reason: 'forbidden' },
  ],
  // log.update
  ['update, id absent (upsert)', { stored: null }, { action: 'insert' }],
  ['update, submitted', {}, { action: 'apply' }],
  ['update, changes requested', { stored: { status: 'changes_requested' } }, { action: 'apply' }],
  [
    'update, another device changed content since base',
    { otherWriterSinceBase: true },
    { action: 'merge' },
  ],
  [
    'update, approved',
    { stored: { status: 'approved' } },
    { action: 'conflict', reason: 'approved_locked', store: 'amendment' },
  ],
  [
    'update, approved, another device too',
    { otherWriterSinceBase: true, stored: { status: 'approved' } },
    { action: 'conflict', reason: 'approved_locked', store: 'amendment' },
  ],
  [
    'update, tombstoned',
    { stored: { deleted: true } },
    { action: 'conflict', reason: 'deleted', store: 'deleted' },
  ],
  [
    'update, other author',
    { stored: { authorId: 'u-binh' } },
    { action: 'reject', reason: 'forbidden' },
  ],
  [
    'update, payload for another commune',
    { payloadCommuneId: 'xa-khac' },
    { action: 'reject', reason: 'forbidden' },
  ],
  [
    'update, base version ahead of the server',
    { baseVersion: 4 },
    { action: 'reject', reason: 'invalid', problem: { field: 'baseVersion', code: 'invalid' } },
  ],
  [
    'update, base version ahead, tombstoned',
    { baseVersion: 4, stored: { deleted: true } },
    { action: 'reject', reason: 'invalid', problem: { field: 'baseVersion', code: 'invalid' } },
  ],
  [
    'update, base version ahead, other author',
    { baseVersion: 4, stored: { authorId: 'u-binh' } },
    { action: 'reject', reason: 'forbidden' },
  ],
  [
    'update, base version ahead, id absent (upsert)',
    { baseVersion: 9, stored: null },
    { action: 'insert' },
  ],
  [
    'update, no base version (queued before its create was answered)',
    { baseVersion: null },
    { action: 'apply' },
  ],
  // log.delete
  [
    'delete, id absent',
    { name: 'log.delete', payloadCommuneId: null, stored: null },
    { action: 'reject', reason: 'not_found' },
  ],
  ['delete, submitted', { name: 'log.delete', payloadCommuneId: null }, { action: 'tombstone' }],
  [
    'delete, base version ahead (delete wins)',
    { name: 'log.delete', payloadCommuneId: null, baseVersion: 4 },
    { action: 'tombstone' },
  ],
  [
    'delete, changes requested',
    { name: 'log.delete', payloadCommuneId: null, stored: { status: 'changes_requested' } },
    { action: 'tombstone' },
  ],
  [
    'delete, approved',
    { name: 'log.delete', payloadCommuneId: null, stored: { status: 'approved' } },
    { action: 'conflict', reason: 'approved_locked', store: 'amendment' },
  ],
  [
    'delete, already tombstoned',
    { name: 'log.delete', payloadCommuneId: null, stored: { deleted: true } },
    { action: 'duplicate' },
  ],
  [
    'delete, other author',
    { name: 'log.delete', payloadCommuneId: null, stored: { authorId: 'u-binh' } },
    { action: 'reject', reason: 'forbidden' },
  ],
];

describe('decideMutation', () => {
  it.each(TABLE)('%s', (_name, over, expected) => {
    expect(decideMutation(facts(over))).toEqual(expected);
  });

  const anyFacts = fc.record({
    name: fc.constantFrom<MutationName>('log.create', 'log.update', 'log.delete'),
    actorId: fc.constantFrom(ME, 'u-binh'),
    actorCommuneId: fc.constant(COMMUNE),
    payloadCommuneId: fc.constantFrom(COMMUNE, 'xa-khac', null),
    baseVersion: fc.option(fc.integer({ min: 1, max: 12 }), { nil: null }),
    sameContent: fc.boolean(),
    otherWriterSinceBase: fc.boolean(),
    stored: fc.option(
      fc.record({
        authorId: fc.constantFrom(ME, 'u-binh'),
        communeId: fc.constantFrom(COMMUNE, 'xa-khac'),
        status: fc.constantFrom(...LOG_STATUSES),
        deleted: fc.boolean(),
        version: fc.integer({ min: 1, max: 9 }),
      }),
      { nil: null },
    ),
  });
  const WRITES = new Set(['insert', 'apply', 'merge', 'tombstone']);

  it('never lets a volunteer change an approved log', () => {
    fc.assert(
      fc.property(anyFacts, (f) => {
        if (f.stored?.status === 'approved')
          expect(WRITES.has(decideMutation(f).action)).toBe(false);
      }),
    );
  });

  it('never writes someone else’s log or into another commune', () => {
    fc.assert(
      fc.property(anyFacts, (f) => {
        const foreign =
          (f.payloadCommuneId !== null && f.payloadCommuneId !== f.actorCommuneId) ||
          (f.stored !== null &&
            (f.stored.authorId !== f.actorId || f.stored.communeId !== f.actorCommuneId));
        if (foreign) expect(decideMutation(f)).toEqual({ action: 'reject', reason: 'forbidden' });
      }),
    );
  });

  it('never applies an update made on a version the server never had', () => {
    fc.assert(
      fc.property(anyFacts, (f) => {
        if (
          f.name === 'log.update' &&
          f.stored &&
          f.baseVersion &&
          f.baseVersion > f.stored.version
        )
          expect(['apply', 'merge']).not.toContain(decideMutation(f).action);
      }),
    );
  });

  it('never brings a tombstone back', () => {
    fc.assert(
      fc.property(anyFacts, (f) => {
        if (f.stored?.deleted)
          expect(['insert', 'apply', 'merge']).not.toContain(decideMutation(f).action);
      }),
    );
  });
});

const BASE: LogContent = {
  communeId: 'tan-phu',
  hamletId: 'tan-phu-dong',
  activityDate: '2025-03-14',
  kind: 'home_visit',
  residents: { under30: 0, from30to59: 1, over60: 1 },
  language: 'vi',
  skills: [{ skillId: 'test-skill', contentVersion: 1, stepsDone: ['step-a'] }],
  outcome: 'done',
  notes: 'gốc',
};

describe('mergeContent', () => {
  it('takes each side’s own changes', () => {
    const server = { ...BASE, language: 'km' as const };
    const local = { ...BASE, notes: 'mới', residents: { under30: 2, from30to59: 1, over60: 1 } };

    const r = mergeContent(BASE, server, local);

    expect(r.merged).toEqual({ ...BASE, language: 'km', notes: 'mới', residents: local.residents });
    expect(r.conflicts).toEqual([]);
    expect(r.changed).toEqual(['residents', 'notes']);
  });

  it('keeps the server value of a field both sides changed differently', () => {
    const r = mergeContent(
      BASE,
      { ...BASE, notes: 'máy 2' },
      { ...BASE, notes: 'máy 1', kind: 'help_desk' },
    );

    expect(r.merged).toMatchObject({ notes: 'máy 2', kind: 'help_desk' });
    expect(r.conflicts).toEqual(['notes']);
  });

  it('is no conflict when both sides made the same change', () => {
    const r = mergeContent(BASE, { ...BASE, notes: 'giống' }, { ...BASE, notes: 'giống' });

    expect(r.conflicts).toEqual([]);
    expect(r.changed).toEqual([]);
  });

  it('handles optional fields appearing and disappearing', () => {
    const base = { ...BASE, outcome: 'partly' as const, reason: 'no_signal' as const };
    const local: LogContent = { ...base, outcome: 'done' };
    delete local.reason;

    const r = mergeContent(base, base, local);

    expect(r.merged).not.toHaveProperty('reason');
    expect(r.merged.outcome).toBe('done');
  });

  it('is idempotent: merging the result again changes nothing', () => {
    const server = { ...BASE, language: 'km' as const };
    const local = { ...BASE, notes: 'mới' };
    const once = mergeContent(BASE, server, local).merged;

    expect(mergeContent(BASE, once, local).merged).toEqual(once);
  });
});

describe('changedFields', () => {
  it('lists every field for a new log and only the differences after', () => {
    expect(changedFields(null, BASE)).toHaveLength(11);
    expect(changedFields(BASE, { ...BASE, notes: 'x', skills: [] })).toEqual(['skills', 'notes']);
  });
});

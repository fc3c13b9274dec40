/**
 * The review queue's filters (GET /api/review/logs): search that ignores
 * marks and case over the notes, household code and volunteer's name, a
 * skill, and a period; for random notes and searches the server finds
 * exactly the sessions `matchesFolded` finds here.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesFolded } from '../../src/domain/text-fold.ts';
import type { ReviewListResponse } from '../../src/shared/schemas/review.ts';
import {
  availableBackends,
  createTestServer,
  makeClient,
  makeLogContent,
  makeMutation,
  TEST_SKILL,
  type TestServer,
} from '../helpers/server.ts';

const WORDS = [
  'Bà',
  'Ánh',
  'ÁNH',
  'anh',
  'Nguyễn',
  'Thị',
  'cài',
  'VNeID',
  'Đông',
  'đồng',
  'ước',
  'Ưu',
  'Quỳnh',
  'quynh',
  'hộ',
];

describe.each(availableBackends())('review queue filters (%s)', (backend) => {
  let s: TestServer;
  let an = '';
  let coordinator = '';
  const phone = makeClient();

  beforeAll(async () => {
    s = await createTestServer({ backend });
    an = await s.login('tnv.an');
    coordinator = await s.login('canbo.tanphu');
  });
  afterAll(async () => {
    await s?.close();
  });

  async function push(contents: ReturnType<typeof makeLogContent>[]): Promise<string[]> {
    const mutations = await Promise.all(
      contents.map((payload) => makeMutation({ seq: phone.nextSeq(), payload })),
    );
    const res = await s.request('/api/sync/push', {
      cookie: an,
      json: { clientId: phone.clientId, mutations },
    });
    expect(
      ((await res.json()) as { results: { status: string }[] }).results.every(
        (r) => r.status === 'applied',
      ),
    ).toBe(true);
    return mutations.map((m) => m.entityId);
  }

  /** Every id the queue lists for `query`, following the pages. */
  async function all(query: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await s.request(
        `/api/review/logs?limit=7&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { cookie: coordinator },
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as ReviewListResponse;
      ids.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
    } while (cursor);
    return ids;
  }

  it('finds sessions by words of the notes, the household code or the volunteer, marks and case aside', async () => {
    const [a, b, c] = await push([
      makeLogContent({ notes: 'Bà Nguyễn Thị Ánh cài VNeID', activityDate: '2024-05-02' }),
      makeLogContent({
        notes: 'Ông Tư học quét mã QR',
        householdCode: 'TD-017',
        activityDate: '2024-05-03',
      }),
      makeLogContent({
        notes: 'Lớp chống lừa đảo',
        activityDate: '2024-06-10',
        skills: [{ skillId: 'scam-aware', contentVersion: 1, stepsDone: [] }],
      }),
    ]);
    expect(await all(`q=${encodeURIComponent('nguyen thi anh')}&to=2024-12-31`)).toEqual([a]);
    expect(await all(`q=${encodeURIComponent('ÁNH vneid')}&to=2024-12-31`)).toEqual([a]);
    expect(await all(`q=td-017&to=2024-12-31`)).toEqual([b]);
    // An's name is Trần Văn An: every session of his in the period.
    expect(
      (await all(`q=${encodeURIComponent('tran van an')}&from=2024-05-01&to=2024-06-30`)).sort(),
    ).toEqual([a, b, c].sort());
    expect(await all(`skillId=scam-aware&from=2024-01-01&to=2024-12-31`)).toEqual([c]);
    expect((await all(`skillId=${TEST_SKILL.id}&from=2024-05-01&to=2024-05-31`)).sort()).toEqual(
      [a, b].sort(),
    );
    expect(await all(`q=${encodeURIComponent('không có đâu')}`)).toEqual([]);
  });

  it('refuses a bad period or an overlong search with a 400 naming the field', async () => {
    const res = await s.request('/api/review/logs?from=2024-02-30', { cookie: coordinator });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { problems: { field: string }[] }).problems[0]?.field).toBe(
      'from',
    );
    const long = await s.request(`/api/review/logs?q=${'a'.repeat(101)}`, { cookie: coordinator });
    expect(long.status).toBe(400);
  });

  it('finds, for random notes and searches, exactly what matchesFolded finds', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 2 }),
        async (notes, query) => {
          // A day of its own per run (shrinking included), so the runs do not see each other.
          const day = new Date(Date.UTC(2021, 0, 1 + run++)).toISOString().slice(0, 10);
          const ids = await push(
            notes.map((n) => makeLogContent({ notes: n.join(' '), activityDate: day })),
          );
          const want = ids.filter((_, i) =>
            matchesFolded(`${notes[i]!.join(' ')} Trần Văn An`, query.join(' ')),
          );
          const got = await all(`q=${encodeURIComponent(query.join(' '))}&from=${day}&to=${day}`);
          expect(got.sort()).toEqual(want.sort());
        },
      ),
      { numRuns: 15 },
    );
  });
});

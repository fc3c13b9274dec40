/**
 * The sync protocol spoken to an in-process test server, for the reliability
 * tests (SYNC.md §4): push, pull one page, pull to the end.
 */
import { expect } from 'vitest';
import {
  encodeCheckpoint,
  type Checkpoint,
  type Mutation,
  type PullResponse,
  type PushResponse,
} from '../../../src/shared/protocol.ts';
import type { TestServer } from '../../helpers/server.ts';

export interface Protocol {
  push(cookie: string, clientId: string, mutations: Mutation[]): Promise<Response>;
  /** A push that must answer 200. */
  pushOk(cookie: string, clientId: string, mutations: Mutation[]): Promise<PushResponse>;
  /** One page from `cp` (none: from the start). */
  pull(cookie: string, cp?: Checkpoint, limit?: number): Promise<PullResponse>;
  /** Pages from `cp` until hasMore is false (at most `maxPages`). */
  pullAll(
    cookie: string,
    cp?: Checkpoint,
    limit?: number,
  ): Promise<{ pages: PullResponse[]; cp: Checkpoint; changes: PullResponse['changes'] }>;
}

export function protocol(s: TestServer, maxPages = 10_000): Protocol {
  const push = (cookie: string, clientId: string, mutations: Mutation[]) =>
    s.request('/api/sync/push', { cookie, json: { clientId, mutations } });
  const pull = async (cookie: string, cp?: Checkpoint, limit = 500) => {
    const q = `?limit=${limit}${cp ? `&cp=${encodeCheckpoint(cp)}` : ''}`;
    const res = await s.request(`/api/sync/pull${q}`, { cookie });
    expect(res.status).toBe(200);
    return (await res.json()) as PullResponse;
  };
  return {
    push,
    async pushOk(cookie, clientId, mutations) {
      const res = await push(cookie, clientId, mutations);
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as PushResponse;
    },
    pull,
    async pullAll(cookie, cp, limit = 500) {
      const pages: PullResponse[] = [];
      for (let i = 0; i < maxPages; i++) {
        const page = await pull(cookie, cp, limit);
        pages.push(page);
        cp = page.cp;
        if (!page.hasMore) break;
      }
      return { pages, cp: cp!, changes: pages.flatMap((p) => p.changes) };
    },
  };
}

/**
 * Backup and restore (src/server/db/backup.ts) and SYNC.md §4 S7: a server
 * restored from a backup gets a new epoch; a phone's pull answers reset, and
 * what the phone re-pushes (lost logs as `log.update` with baseVersion null,
 * lost edits on the restored version) brings the server back to everything
 * that had been acknowledged, with no duplicate. 20 iterations in `npm test`,
 * 200 with SOTAY_SOAK=1.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_TABLES, BackupMismatchError, type RowsBackup } from '../../src/server/db/backup.ts';
import { runBackupCli } from '../../src/server/db/backup-cli.ts';
import { DataDirLockedError } from '../../src/server/db/lock.ts';
import { openDatabase } from '../../src/server/db/open.ts';
import { serverEpoch } from '../../src/server/logs/pull.ts';
import { uuidv4 } from '../../src/shared/ids.ts';
import type { Checkpoint, Mutation } from '../../src/shared/protocol.ts';
import type { LogContentInput } from '../../src/shared/schemas/log.ts';
import {
  availableBackends,
  createTestServer,
  makeLogContent,
  makeMutation,
  type TestServer,
} from '../helpers/server.ts';
import { protocol, type Protocol } from './harness/protocol.ts';

const SOAK = process.env.SOTAY_SOAK === '1';
const ITERATIONS = SOAK ? 200 : 20;
/** Logs acknowledged after each snapshot, lost by the restore. */
const LOST_PER_ITERATION = 50;

describe.each(availableBackends())('backup and restore (%s)', (backend) => {
  let s: TestServer;
  let p: Protocol;
  let an: string;
  /** The S7 phone's user: no other test here writes their logs. */
  let binh: string;

  beforeAll(async () => {
    s = await createTestServer({ backend });
    p = protocol(s);
    [an, binh] = await Promise.all([s.login('tnv.an'), s.login('tnv.binh')]);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('backs up every table but the database’s own (epoch, migrations)', async () => {
    const tables = await s.db.query<{ name: string }>(
      `select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    const all = tables.map((t) => t.name).filter((t) => !t.startsWith('bk'));
    expect([...BACKUP_TABLES, 'server_meta', 'schema_migration'].sort()).toEqual(all.sort());
  });

  it('restores a snapshot exactly, with a new epoch, and refuses another schema version', async () => {
    const c = { clientId: uuidv4(), seq: 0 };
    const m = await makeMutation({ seq: ++c.seq, payload: makeLogContent({ notes: 'giữ' }) });
    await p.pushOk(an, c.clientId, [m]);
    const epoch = await serverEpoch(s.db);
    const snap = await s.snapshot();
    expect(snap.epoch).toBe(epoch);
    const later = await makeMutation({ seq: ++c.seq });
    await p.pushOk(an, c.clientId, [later]);

    const newEpoch = await s.restore(snap);

    expect(newEpoch).not.toBe(epoch);
    expect(await serverEpoch(s.db)).toBe(newEpoch);
    const again = await s.snapshot();
    expect({ ...again, epoch: '', takenAt: '' }).toEqual({ ...snap, epoch: '', takenAt: '' });
    const meta = await s.db.query<{ key: string; value: string }>(
      `select key, value from server_meta where key = 'restored_from_epoch'`,
    );
    expect(meta).toEqual([{ key: 'restored_from_epoch', value: epoch }]);
    await expect(s.restore({ ...snap, schemaVersion: snap.schemaVersion + 1 })).rejects.toThrow(
      BackupMismatchError,
    );
    await expect(s.restore({ ...snap, format: 'other' } as unknown as RowsBackup)).rejects.toThrow(
      BackupMismatchError,
    );
    expect(await serverEpoch(s.db)).toBe(newEpoch);
  });

  it(
    `S7: ${ITERATIONS} restores; each time the phone is reset, re-pushes, and the server ends with every acknowledged log, 0 duplicates`,
    async () => {
      /** The phone: what the server acknowledged (id → content and version). */
      const acked = new Map<string, { content: LogContentInput; version: number }>();
      const phone = { clientId: uuidv4(), seq: 0, cp: undefined as Checkpoint | undefined };
      let renewedClients = 0;
      let repushed = 0;
      let lostEditsRepushed = 0;
      const t0 = Date.now();

      const ack = (batch: Mutation[], statuses: string[]) =>
        batch.forEach((m, i) => {
          expect(statuses[i], `${m.name} ${m.entityId}`).toBe('applied');
          const prev = acked.get(m.entityId);
          acked.set(m.entityId, {
            content: m.payload as LogContentInput,
            version: (prev?.version ?? 0) + 1,
          });
        });
      const creates = async (n: number, tag: string) => {
        const batch: Mutation[] = [];
        for (let i = 0; i < n; i++) {
          batch.push(
            await makeMutation({
              seq: ++phone.seq,
              payload: makeLogContent({ notes: `${tag} ${i}` }),
            }),
          );
        }
        return batch;
      };

      for (let it = 0; it < ITERATIONS; it++) {
        // Before the backup: a few logs, acknowledged and pulled.
        const before = await creates(5, `it${it} kept`);
        ack(
          before,
          (await p.pushOk(binh, phone.clientId, before)).results.map((r) => r.status),
        );
        phone.cp = (await p.pullAll(binh, phone.cp)).cp;
        const snap = await s.snapshot();

        // After it: 50 new logs, and an edit of two kept ones, all acknowledged and pulled.
        const lost = await creates(LOST_PER_ITERATION, `it${it} lost`);
        ack(
          lost,
          (await p.pushOk(binh, phone.clientId, lost)).results.map((r) => r.status),
        );
        const edits: Mutation[] = [];
        for (const m of before.slice(0, 2)) {
          edits.push(
            await makeMutation({
              seq: ++phone.seq,
              name: 'log.update',
              entityId: m.entityId,
              baseVersion: acked.get(m.entityId)!.version,
              payload: makeLogContent({ notes: `it${it} edited after the backup` }),
            }),
          );
        }
        ack(
          edits,
          (await p.pushOk(binh, phone.clientId, edits)).results.map((r) => r.status),
        );
        phone.cp = (await p.pullAll(binh, phone.cp)).cp;
        const epochBefore = phone.cp.epoch;

        const epoch = await s.restore(snap);
        expect(epoch).not.toBe(epochBefore);

        // The phone pulls: its checkpoint is of another epoch → reset, then everything again.
        const first = await p.pull(binh, phone.cp);
        expect(first).toMatchObject({
          reset: true,
          changes: [],
          serverEpoch: epoch,
          hasMore: true,
        });
        const all = await p.pullAll(binh, first.cp);
        phone.cp = all.cp;
        expect(phone.cp.epoch).toBe(epoch);
        const onServer = new Map(all.changes.map((c) => [c.id, c.record]));
        // What the server lacks: logs it never had (upsert), content it lost (on its version).
        const repush: Mutation[] = [];
        const tryClient = { ...phone };
        for (const [id, log] of acked) {
          const rec = onServer.get(id);
          // The server's version from now on (0: it has no such log).
          log.version = rec?.version ?? 0;
          if (rec && rec.notes === log.content.notes) continue;
          repush.push(
            await makeMutation({
              seq: ++tryClient.seq,
              name: 'log.update',
              entityId: id,
              baseVersion: rec ? rec.version : null,
              payload: log.content,
            }),
          );
          if (rec) lostEditsRepushed++;
        }
        expect(repush).toHaveLength(LOST_PER_ITERATION + 2);
        // The restored server forgot this client's later sequence numbers: 409 below our oldest.
        const gap = await p.push(binh, phone.clientId, repush);
        expect(gap.status).toBe(409);
        const { expectedSeq } = (await gap.json()) as { expectedSeq: number };
        expect(expectedSeq).toBeLessThan(repush[0]!.seq);
        // …so the phone takes a new client id (as src/sync does), which starts at its first seq.
        phone.clientId = uuidv4();
        phone.seq = tryClient.seq;
        renewedClients++;
        const res = await p.pushOk(binh, phone.clientId, repush);
        ack(
          repush,
          res.results.map((r) => r.status),
        );
        repushed += repush.length;
        // A retry of that push (answer lost) changes nothing.
        if (it % 5 === 0) {
          const retry = await p.pushOk(binh, phone.clientId, repush);
          expect(new Set(retry.results.map((r) => r.status))).toEqual(new Set(['duplicate']));
        }

        // The server has every acknowledged log once, with the acknowledged content and version.
        const rows = await s.db.query<{
          id: string;
          notes: string;
          version: number;
          revisions: number | string;
        }>(
          `select l.id, l.notes, l.version,
                (select count(*) from activity_log_revision r where r.log_id = l.id) as revisions
           from activity_log l where l.author_id = $1`,
          [s.users.binh.id],
        );
        expect(rows.length).toBe(acked.size);
        for (const r of rows) {
          const a = acked.get(r.id);
          expect(a, r.id).toBeDefined();
          expect({ notes: r.notes, version: Number(r.version) }).toEqual({
            notes: a!.content.notes,
            version: a!.version,
          });
          expect(Number(r.revisions)).toBe(Number(r.version));
        }
        // And the phone's next pull brings exactly what it re-pushed.
        const after = await p.pullAll(binh, phone.cp);
        expect(after.changes.map((c) => c.id).sort()).toEqual(repush.map((m) => m.entityId).sort());
        phone.cp = after.cp;
      }
      const dupes = await s.db.query(
        `select mutation_id from activity_log_revision where mutation_id is not null
        group by mutation_id having count(*) > 1`,
      );
      expect(dupes).toEqual([]);
      console.log(
        `[S7 ${backend}] ${ITERATIONS} restores, ${acked.size} logs acknowledged, ${repushed} re-pushed ` +
          `(${lostEditsRepushed} lost edits), ${renewedClients} client ids renewed, 0 lost, 0 duplicates, ` +
          `${Date.now() - t0} ms`,
      );
    },
    (SOAK ? 60 : 10) * 60_000,
  );
});

describe('scripts/db-backup.mjs on a PGlite data folder (server stopped)', () => {
  let dir: string;
  const env = () => ({ SOTAY_DATA_DIR: join(dir, 'data') });
  const cli = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await runBackupCli(
      args,
      env(),
      (l) => lines.push(l),
      (l) => lines.push(l),
    );
    return { code, text: lines.join('\n') };
  };
  const put = async (value: string) => {
    const db = await openDatabase({ dataDir: env().SOTAY_DATA_DIR });
    try {
      await db.query(`insert into commune (id, name) values ($1, $1)`, [value]);
      return await serverEpoch(db);
    } finally {
      await db.close();
    }
  };
  const communes = async () => {
    const db = await openDatabase({ dataDir: env().SOTAY_DATA_DIR });
    try {
      const rows = await db.query<{ id: string }>(
        `select id from commune where id like 'c-%' order by id`,
      );
      return { ids: rows.map((r) => r.id), epoch: await serverEpoch(db) };
    } finally {
      await db.close();
    }
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sotay-backup-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores the folder (tarball) or the rows as they were, each time with a new epoch', async () => {
    const epoch = await put('c-1');
    expect(await cli('backup', join(dir, 'folder.tar.gz'))).toMatchObject({ code: 0 });
    await put('c-2');
    expect(await cli('backup', join(dir, 'rows.json.gz'), '--rows')).toMatchObject({ code: 0 });
    await put('c-3');
    const held = await openDatabase({ dataDir: env().SOTAY_DATA_DIR });
    await expect(cli('restore', join(dir, 'folder.tar.gz'))).rejects.toThrow(DataDirLockedError);
    await held.close();

    const fromFolder = await cli('restore', join(dir, 'folder.tar.gz'));

    expect(fromFolder.code, fromFolder.text).toBe(0);
    const replaced = /the folder it replaced is (\S+)/.exec(fromFolder.text)?.[1];
    expect(replaced && existsSync(replaced)).toBe(true);
    const a = await communes();
    expect(a.ids).toEqual(['c-1']);
    expect(a.epoch).not.toBe(epoch);
    expect(fromFolder.text).toContain(a.epoch);

    const fromRows = await cli('restore', join(dir, 'rows.json.gz'));

    expect(fromRows.code, fromRows.text).toBe(0);
    const b = await communes();
    expect(b.ids).toEqual(['c-1', 'c-2']);
    expect(b.epoch).not.toBe(a.epoch);
    expect(await cli('nonsense', 'x')).toMatchObject({ code: 2 });
  }, 120_000);
});

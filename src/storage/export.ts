/**
 * The last-resort export (SYNC.md §0.7, pitfall 4). Owns: `exportUnsynced`
 * (everything the server does not have yet, as a JSON file a volunteer can
 * save and hand to a coordinator when sync cannot get through).
 */
import type { LogContent } from '../shared/schemas/log.ts';
import { userDbName, type UserDb } from './db.ts';
import { contentOf } from './records.ts';
import type { AttentionItem, LocalLog, OutboxEntry, SyncState } from './types.ts';

/** The states that mean "the server does not have this as the device does". */
export const UNSYNCED_STATES: readonly SyncState[] = [
  'pending',
  'conflict',
  'rejected',
  'amendment',
];

/** The export file's format version; bump it when the shape changes. */
export const EXPORT_SCHEMA_VERSION = 1;

export interface UnsyncedExportDocument {
  format: 'sotay-unsynced-export';
  schemaVersion: number;
  /** ISO time of the export (device clock). */
  exportedAt: string;
  userId: string;
  /** Filled in by the caller (the app knows its build); 'unknown' otherwise. */
  appVersion: string;
  database: { name: string; version: number };
  clientId: string | null;
  serverEpoch: string | null;
  counts: { logs: number; outboxEntries: number; attentionItems: number };
  logs: ExportedLog[];
  /** Queued changes whose log is no longer on the device (should not happen; kept anyway). */
  orphanOutboxEntries: ExportedEntry[];
  /** Attention items whose log is no longer on the device. */
  orphanAttentionItems: ExportedAttention[];
}

export interface ExportedLog {
  id: string;
  syncState: SyncState;
  deleted: boolean;
  serverVersion: number | null;
  reviewStatus: LocalLog['status'];
  reviewComment: string | null;
  problem: LocalLog['problem'] | null;
  createdAtDevice: string;
  updatedAtDevice: string;
  /** What the volunteer recorded, as on the device. */
  content: LogContent;
  /** The changes still queued for the server, oldest first. */
  outbox: ExportedEntry[];
  /** Changes the server did not apply as sent, with the server's record. */
  attention: ExportedAttention[];
}

export interface ExportedEntry {
  seq: number;
  mutationId: string;
  name: OutboxEntry['name'];
  entityId: string;
  baseVersion: number | null;
  payloadSchema: number;
  payloadHash: string;
  payload: OutboxEntry['payload'];
  createdAtDevice: string;
  attempts: number;
  lastError: string | null;
}

export type ExportedAttention = Omit<AttentionItem, 'createdAtDevice' | 'receivedAt'> & {
  createdAtDevice: string;
  receivedAt: string;
};

export interface ExportUnsyncedOptions {
  /** Device time of the export (tests); defaults to Date.now(). */
  now?: number;
  /** The app's version, written into the document. */
  appVersion?: string;
  /** The signed-in user; defaults to the one the database belongs to. */
  userId?: string;
}

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `sotay-chua-dong-bo-2025-03-14-0930.json` ("chưa đồng bộ": not synced), device local time. */
function exportFileName(ms: number): string {
  const d = new Date(ms);
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `sotay-chua-dong-bo-${day}-${pad(d.getHours())}${pad(d.getMinutes())}.json`;
}

function exportEntry(e: OutboxEntry): ExportedEntry {
  return {
    seq: e.seq,
    mutationId: e.mutationId,
    name: e.name,
    entityId: e.entityId,
    baseVersion: e.baseVersion,
    payloadSchema: e.payloadSchema,
    payloadHash: e.payloadHash,
    payload: e.payload,
    createdAtDevice: iso(e.createdAtDevice),
    attempts: e.attempts,
    lastError: e.lastError,
  };
}

function exportAttention(a: AttentionItem): ExportedAttention {
  return { ...a, createdAtDevice: iso(a.createdAtDevice), receivedAt: iso(a.receivedAt) };
}

/**
 * Everything the server does not have as the device does, as one readable
 * JSON document: every log that is pending, in conflict, rejected or an
 * amendment request (tombstones included), with its queued outbox entries and
 * its attention items, read in one transaction. Nothing is changed: the
 * export is a copy, the outbox keeps everything.
 * @returns the suggested file name, the JSON text (indented) and the number of logs in it
 */
export async function exportUnsynced(
  db: UserDb,
  opts: ExportUnsyncedOptions = {},
): Promise<{ fileName: string; json: string; count: number }> {
  const now = opts.now ?? Date.now();
  const tx = db.transaction(['logs', 'outbox', 'attention', 'meta'], 'readonly');
  const [logs, entries, items, clientId, serverEpoch] = await Promise.all([
    tx.objectStore('logs').getAll(),
    tx.objectStore('outbox').getAll(),
    tx.objectStore('attention').getAll(),
    tx.objectStore('meta').get('clientId'),
    tx.objectStore('meta').get('serverEpoch'),
  ]);
  await tx.done;

  const byLog = new Map<string, { entries: OutboxEntry[]; items: AttentionItem[] }>();
  const slot = (id: string) => {
    let s = byLog.get(id);
    if (!s) byLog.set(id, (s = { entries: [], items: [] }));
    return s;
  };
  for (const e of entries) slot(e.entityId).entries.push(e);
  for (const a of items) slot(a.entityId).items.push(a);

  const known = new Set(logs.map((l) => l.id));
  const exported: ExportedLog[] = logs
    .filter(
      (l) =>
        UNSYNCED_STATES.includes(l.syncState) ||
        (byLog.get(l.id)?.entries.length ?? 0) > 0 ||
        (byLog.get(l.id)?.items.length ?? 0) > 0,
    )
    .sort((a, b) => a.createdAtDevice - b.createdAtDevice || (a.id < b.id ? -1 : 1))
    .map((l) => {
      const s = byLog.get(l.id);
      return {
        id: l.id,
        syncState: l.syncState,
        deleted: l.deleted,
        serverVersion: l.serverVersion,
        reviewStatus: l.status,
        reviewComment: l.reviewComment,
        problem: l.problem ?? null,
        createdAtDevice: iso(l.createdAtDevice),
        updatedAtDevice: iso(l.updatedAtDevice),
        content: contentOf(l),
        outbox: (s?.entries ?? []).sort((a, b) => a.seq - b.seq).map(exportEntry),
        attention: (s?.items ?? [])
          .sort((a, b) => a.receivedAt - b.receivedAt)
          .map(exportAttention),
      };
    });

  const userId =
    opts.userId ?? (db.name.startsWith(userDbName('')) ? db.name.slice(userDbName('').length) : '');
  const doc: UnsyncedExportDocument = {
    format: 'sotay-unsynced-export',
    schemaVersion: EXPORT_SCHEMA_VERSION,
    exportedAt: iso(now),
    userId,
    appVersion: opts.appVersion ?? 'unknown',
    database: { name: db.name, version: db.version },
    clientId: clientId?.key === 'clientId' ? clientId.value : null,
    serverEpoch: serverEpoch?.key === 'serverEpoch' ? serverEpoch.value : null,
    counts: { logs: exported.length, outboxEntries: entries.length, attentionItems: items.length },
    logs: exported,
    orphanOutboxEntries: entries
      .filter((e) => !known.has(e.entityId))
      .sort((a, b) => a.seq - b.seq)
      .map(exportEntry),
    orphanAttentionItems: items.filter((a) => !known.has(a.entityId)).map(exportAttention),
  };
  return {
    fileName: exportFileName(now),
    json: JSON.stringify(doc, null, 2),
    count: exported.length,
  };
}

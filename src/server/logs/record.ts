/**
 * activity_log rows ↔ the shared shapes (LogContent, LogRecord). The only
 * place that knows the column names of a log.
 */
import type {
  AmendmentStatus,
  LogContent,
  LogRecord,
  SkillProgress,
} from '../../shared/schemas/log.ts';
import type { Queryable } from '../db/index.ts';

/** Columns for a LogRecord; alias `l` = activity_log. */
export const LOG_RECORD_COLUMNS = `
  l.id, l.commune_id, l.hamlet_id, l.activity_date::text as activity_date, l.kind,
  l.residents_under30, l.residents_30_59, l.residents_60_plus, l.residents_women, l.language, l.skills,
  l.outcome, l.reason, l.household_code, l.notes, l.author_id, a.display_name as author_name,
  l.status, l.review_comment, l.reviewed_at, r.display_name as reviewed_by_name,
  l.version, l.seq, l.deleted_at, l.created_at, l.updated_at,
  (select json_agg(json_build_object(
            'id', c.id, 'mutationId', c.mutation_id, 'state', c.state,
            'createdAt', c.created_at, 'resolvedAt', c.resolved_at)
          order by c.created_at, c.id)
     from sync_conflict c where c.log_id = l.id and c.kind = 'amendment')::text as amendments`;

export const LOG_RECORD_FROM = `
  activity_log l
  join app_user a on a.id = l.author_id
  left join app_user r on r.id = l.reviewed_by`;

export interface LogRow {
  id: string;
  commune_id: string;
  hamlet_id: string;
  activity_date: string;
  kind: LogContent['kind'];
  residents_under30: number;
  residents_30_59: number;
  residents_60_plus: number;
  /** Of whom women; null = not recorded (payload schema 1, or left empty). */
  residents_women: number | null;
  language: LogContent['language'];
  skills: SkillProgress[] | string;
  outcome: LogContent['outcome'];
  reason: LogContent['reason'] | null;
  household_code: string | null;
  notes: string;
  author_id: string;
  author_name: string;
  status: LogRecord['status'];
  review_comment: string | null;
  reviewed_at: Date | string | null;
  reviewed_by_name: string | null;
  version: number;
  seq: number | string;
  deleted_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
  /** JSON text of the amendment requests, or null when there are none. */
  amendments: string | null;
  [key: string]: unknown;
}

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** The content of a row, as the volunteer wrote it. */
export function rowToContent(row: LogRow): LogContent {
  const skills =
    typeof row.skills === 'string' ? (JSON.parse(row.skills) as SkillProgress[]) : row.skills;
  const content: LogContent = {
    communeId: row.commune_id,
    hamletId: row.hamlet_id,
    activityDate: row.activity_date,
    kind: row.kind,
    residents: {
      under30: Number(row.residents_under30),
      from30to59: Number(row.residents_30_59),
      over60: Number(row.residents_60_plus),
    },
    language: row.language,
    skills,
    outcome: row.outcome,
    notes: row.notes,
  };
  // Optional in the schema: omitted rather than null.
  if (row.residents_women !== null) content.residents.women = Number(row.residents_women);
  if (row.reason !== null) content.reason = row.reason;
  if (row.household_code !== null) content.householdCode = row.household_code;
  return content;
}

function amendments(json: string | null): AmendmentStatus[] | undefined {
  if (json === null) return undefined;
  return (JSON.parse(json) as AmendmentStatus[]).map((a) => ({
    id: a.id,
    mutationId: a.mutationId,
    state: a.state,
    createdAt: iso(a.createdAt),
    resolvedAt: a.resolvedAt === null ? null : iso(a.resolvedAt),
  }));
}

/** A row as the API returns it (logRecordSchema). */
export function rowToRecord(row: LogRow): LogRecord {
  const requests = amendments(row.amendments);
  return {
    ...rowToContent(row),
    id: row.id,
    authorId: row.author_id,
    authorName: row.author_name,
    status: row.status,
    reviewComment: row.review_comment,
    reviewedAt: row.reviewed_at === null ? null : iso(row.reviewed_at),
    reviewedByName: row.reviewed_by_name,
    version: Number(row.version),
    deleted: row.deleted_at !== null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    ...(requests ? { amendments: requests } : {}),
  };
}

/**
 * Reads one log by id.
 * @param forUpdate lock the activity_log row (inside a transaction)
 */
export async function readLogRow(
  db: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<LogRow | null> {
  const rows = await db.query<LogRow>(
    `select ${LOG_RECORD_COLUMNS} from ${LOG_RECORD_FROM} where l.id = $1
     ${options.forUpdate ? 'for update of l' : ''}`,
    [id],
  );
  return rows[0] ?? null;
}

/**
 * Reads several logs by id, in id order (so that two transactions locking
 * overlapping sets take the locks in one order).
 * @param forUpdate lock the activity_log rows (inside a transaction)
 */
export async function readLogRows(
  db: Queryable,
  ids: readonly string[],
  options: { forUpdate?: boolean } = {},
): Promise<LogRow[]> {
  if (ids.length === 0) return [];
  return db.query<LogRow>(
    `select ${LOG_RECORD_COLUMNS} from ${LOG_RECORD_FROM} where l.id = any($1::uuid[])
     order by l.id ${options.forUpdate ? 'for update of l' : ''}`,
    [[...ids]],
  );
}

/** The parameters of the content columns, in LOG_CONTENT_COLUMNS order ($1 = first). */
export const LOG_CONTENT_COLUMNS = [
  'hamlet_id',
  'activity_date',
  'kind',
  'residents_under30',
  'residents_30_59',
  'residents_60_plus',
  'residents_women',
  'language',
  'skills',
  'outcome',
  'reason',
  'household_code',
  'notes',
] as const;

export function contentParams(c: LogContent): unknown[] {
  return [
    c.hamletId,
    c.activityDate,
    c.kind,
    c.residents.under30,
    c.residents.from30to59,
    c.residents.over60,
    c.residents.women ?? null,
    c.language,
    JSON.stringify(c.skills),
    c.outcome,
    c.reason ?? null,
    c.householdCode ?? null,
    c.notes,
  ];
}

type ContentColumn = (typeof LOG_CONTENT_COLUMNS)[number];

/** Each content column's SQL type (a record definition for jsonb_to_recordset). */
const CONTENT_COLUMN_TYPES: Record<ContentColumn, string> = {
  hamlet_id: 'text',
  activity_date: 'date',
  kind: 'text',
  residents_under30: 'int',
  residents_30_59: 'int',
  residents_60_plus: 'int',
  residents_women: 'int',
  language: 'text',
  skills: 'jsonb',
  outcome: 'text',
  reason: 'text',
  household_code: 'text',
  notes: 'text',
};

/** The content columns of a log by name, as JSON values (skills stays an array). */
export function contentColumns(c: LogContent): Record<ContentColumn, unknown> {
  const values = contentParams(c);
  const row = Object.fromEntries(LOG_CONTENT_COLUMNS.map((col, i) => [col, values[i]])) as Record<
    ContentColumn,
    unknown
  >;
  row.skills = c.skills;
  return row;
}

/** A new log: its content columns and who, where and when. */
export type NewLogRow = Record<ContentColumn, unknown> & {
  id: string;
  commune_id: string;
  author_id: string;
  created_device_at: string | null;
  /** Also its updated_at. */
  created_at: string;
  last_mutation_id: string;
};

/**
 * Inserts new logs in one statement, at version 1, status submitted and seq 0
 * (the commune clock stamps them before commit).
 */
export async function insertLogs(db: Queryable, rows: readonly NewLogRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `insert into activity_log (id, commune_id, author_id, ${LOG_CONTENT_COLUMNS.join(', ')},
       status, version, seq, created_device_at, created_at, updated_at, last_mutation_id)
     select r.id, r.commune_id, r.author_id, ${LOG_CONTENT_COLUMNS.map((c) => `r.${c}`).join(', ')},
       'submitted', 1, 0, r.created_device_at, r.created_at, r.created_at, r.last_mutation_id
       from jsonb_to_recordset($1::text::jsonb) as r(id uuid, commune_id text, author_id uuid,
         ${LOG_CONTENT_COLUMNS.map((c) => `${c} ${CONTENT_COLUMN_TYPES[c]}`).join(', ')},
         created_device_at timestamptz, created_at timestamptz, last_mutation_id uuid)`,
    [JSON.stringify(rows)],
  );
}

/** The first parameter after the content of an update (`$1` = id, content from `$2`). */
export const AFTER_UPDATE = 2 + LOG_CONTENT_COLUMNS.length;

/** `$n` placeholders with casts for the content columns starting at `$from`. */
export function contentPlaceholders(from: number): string[] {
  return LOG_CONTENT_COLUMNS.map((col, i) => {
    const p = `$${from + i}`;
    if (col === 'activity_date') return `${p}::date`;
    if (col === 'skills') return `${p}::text::jsonb`;
    if (col.startsWith('residents_')) return `${p}::int`;
    return `${p}::text`;
  });
}

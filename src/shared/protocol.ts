/**
 * The sync wire protocol, version 1 (SYNC.md §3.3–3.4). Only additive changes
 * inside a version. The envelope is validated as a whole (a malformed envelope
 * is a 400); each mutation's payload is validated on its own so one bad record
 * becomes a per-mutation `rejected` result and never blocks the queue.
 */
import * as v from 'valibot';
import { UUID_PATTERN } from './ids.ts';
import { logRecordSchema } from './schemas/log.ts';

export const PROTOCOL_VERSION = 1;
/**
 * The payload schema version this client writes; the server also accepts the
 * previous one and upcasts it (`parseLogPayload`). History:
 * 1. the first release;
 * 2. `residents.women` (optional count).
 */
export const PAYLOAD_SCHEMA = 2;
/** The oldest payload schema the server still accepts (one release back). */
export const OLDEST_PAYLOAD_SCHEMA = 1;
/**
 * At most this many mutations in one push. SYNC.md §3.3 says 100; 500 cuts
 * the round trips of a long queue five-fold (on Slow 4G each costs about
 * 0.6 s of latency alone; PERFORMANCE.md G13), and one push is one
 * transaction (docs/ARCHITECTURE.md "Where it departs").
 */
export const MAX_PUSH_MUTATIONS = 500;
/** Request body limit for a push, bytes, after decompression (500 sessions of about 1–2 KB). */
export const MAX_PUSH_BYTES = 2 * 1024 * 1024;
export const DEFAULT_PULL_LIMIT = 500;
export const MAX_PULL_LIMIT = 1000;

const uuid = v.pipe(v.string(), v.regex(UUID_PATTERN, 'invalid'));

export const MUTATION_NAMES = ['log.create', 'log.update', 'log.delete'] as const;
export type MutationName = (typeof MUTATION_NAMES)[number];

export const mutationSchema = v.object({
  mutationId: uuid,
  /**
   * Per-client sequence (the outbox autoIncrement key, so at most 2^53):
   * FIFO order and gap detection.
   */
  seq: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER)),
  name: v.picklist(MUTATION_NAMES),
  entityId: uuid,
  /** The server version the change was made on; null for a create. */
  baseVersion: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1))),
  payloadSchema: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** Validated per mutation by the server (logContentSchema for create/update; null for delete). */
  payload: v.unknown(),
  payloadHash: v.pipe(v.string(), v.regex(/^sha256:[0-9a-f]{64}$/)),
  /** Informational only: device clocks are never used to order or resolve anything. */
  createdAtDevice: v.number(),
});
export type Mutation = v.InferOutput<typeof mutationSchema>;

export const pushRequestSchema = v.object({
  clientId: uuid,
  mutations: v.pipe(v.array(mutationSchema), v.minLength(1), v.maxLength(MAX_PUSH_MUTATIONS)),
});
export type PushRequest = v.InferOutput<typeof pushRequestSchema>;

export const PUSH_STATUSES = ['applied', 'duplicate', 'conflict', 'rejected'] as const;
export type PushStatus = (typeof PUSH_STATUSES)[number];
export const PUSH_REASONS = [
  'approved_locked',
  'field_conflict',
  'deleted',
  'forbidden',
  'invalid',
  'idempotency_key_reuse',
  'not_found',
] as const;
export type PushReason = (typeof PUSH_REASONS)[number];

export const fieldProblemSchema = v.object({ field: v.string(), code: v.string() });

export const mutationResultSchema = v.object({
  mutationId: v.string(),
  status: v.picklist(PUSH_STATUSES),
  serverVersion: v.optional(v.number()),
  /** The server's current record for the entity, when it exists and the user may see it. */
  record: v.optional(logRecordSchema),
  reason: v.optional(v.picklist(PUSH_REASONS)),
  /** For `invalid`: which fields were wrong. */
  problems: v.optional(v.array(fieldProblemSchema)),
});
export type MutationResult = v.InferOutput<typeof mutationResultSchema>;

export const pushResponseSchema = v.object({
  serverTime: v.string(),
  serverEpoch: v.string(),
  results: v.array(mutationResultSchema),
});
export type PushResponse = v.InferOutput<typeof pushResponseSchema>;

/** `409` body when the client skipped a sequence number. */
export const seqGapSchema = v.object({ error: v.literal('seq_gap'), expectedSeq: v.number() });

export const checkpointSchema = v.object({
  epoch: v.string(),
  /** Commune clock values: bigint on the server, so bounded where a double is still exact. */
  perCommune: v.record(
    v.string(),
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER)),
  ),
});
export type Checkpoint = v.InferOutput<typeof checkpointSchema>;

export const pullChangeSchema = v.object({
  id: v.string(),
  communeId: v.string(),
  seq: v.number(),
  version: v.number(),
  deleted: v.boolean(),
  record: logRecordSchema,
});
export type PullChange = v.InferOutput<typeof pullChangeSchema>;

export const pullResponseSchema = v.object({
  changes: v.array(pullChangeSchema),
  cp: checkpointSchema,
  hasMore: v.boolean(),
  serverTime: v.string(),
  serverEpoch: v.string(),
  /** The client must drop synced rows outside scope and pull again from `cp`. */
  reset: v.optional(v.boolean()),
});
export type PullResponse = v.InferOutput<typeof pullResponseSchema>;

/** Encodes a checkpoint for the `cp` query parameter (base64url of JSON). */
export function encodeCheckpoint(cp: Checkpoint): string {
  const bytes = new TextEncoder().encode(JSON.stringify(cp));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes a `cp` query parameter; returns null when it is malformed. */
export function decodeCheckpoint(s: string): Checkpoint | null {
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    const parsed = v.safeParse(checkpointSchema, JSON.parse(new TextDecoder().decode(bytes)));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}

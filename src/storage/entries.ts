/**
 * Building outbox entries (internal to src/storage). Owns: the defaults every
 * new entry starts with. `seq` is assigned by IndexedDB (autoIncrement).
 */
import { PAYLOAD_SCHEMA } from '../shared/protocol.ts';
import type { OutboxEntry } from './types.ts';

/** An outbox entry before IndexedDB assigns its `seq`. */
export type NewOutboxEntry = Omit<OutboxEntry, 'seq'>;

/** A new, never-sent entry (`attempts: 0`), cast for `store.add` (the key is generated). */
export function newEntry(
  fields: Pick<OutboxEntry, 'mutationId' | 'userId' | 'name' | 'entityId' | 'baseVersion'> &
    Pick<OutboxEntry, 'payload' | 'payloadHash' | 'createdAtDevice'>,
): OutboxEntry {
  // Field by field: a spread of another entry must never carry its `seq` along.
  const entry: NewOutboxEntry = {
    mutationId: fields.mutationId,
    userId: fields.userId,
    name: fields.name,
    entityId: fields.entityId,
    baseVersion: fields.baseVersion,
    payload: fields.payload,
    payloadHash: fields.payloadHash,
    createdAtDevice: fields.createdAtDevice,
    payloadSchema: PAYLOAD_SCHEMA,
    attempts: 0,
    lastError: null,
  };
  return entry as OutboxEntry;
}

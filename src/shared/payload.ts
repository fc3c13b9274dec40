/**
 * Reading a mutation's payload on the server: the current payload schema and
 * the previous client's, upcast. Kept out of protocol.ts so the phone's
 * bundle does not carry the old schema.
 */
import * as v from 'valibot';
import { OLDEST_PAYLOAD_SCHEMA, PAYLOAD_SCHEMA } from './protocol.ts';
import { logContentSchema, logContentSchemaV1, type LogContent } from './schemas/log.ts';

/**
 * Validates a create/update payload written under `payloadSchema` and upcasts
 * it to the current content. `null`: a schema this server does not know.
 */
export function parseLogPayload(
  payloadSchema: number,
  payload: unknown,
):
  | { success: true; output: LogContent }
  | { success: false; issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]] }
  | null {
  if (payloadSchema === PAYLOAD_SCHEMA) return v.safeParse(logContentSchema, payload);
  if (payloadSchema === OLDEST_PAYLOAD_SCHEMA) return v.safeParse(logContentSchemaV1, payload);
  return null;
}

/** The commune's audit log, as the coordinator reads it (GET /api/commune/audit). */
import * as v from 'valibot';

export const AUDIT_ACTIONS = [
  'log.approve',
  'log.return',
  'amendment.accept',
  'amendment.decline',
  'member.add',
  'member.newCode',
  'member.deactivate',
  'member.enrolled',
  'hamlet.add',
  'commune.add',
  'contact.delete',
  'targets.set',
  'export',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export const AUDIT_TARGETS = ['log', 'user', 'hamlet', 'commune'] as const;
export type AuditTarget = (typeof AUDIT_TARGETS)[number];

export const auditEventSchema = v.object({
  id: v.string(),
  at: v.string(),
  action: v.picklist(AUDIT_ACTIONS),
  /** Who did it (null: someone since removed). */
  actorName: v.nullable(v.string()),
  targetType: v.picklist(AUDIT_TARGETS),
  targetId: v.string(),
  /** The account's name, or the log's author and date, as it reads now. */
  targetLabel: v.string(),
  /** The review comment, when there was one. */
  comment: v.optional(v.string()),
  /** An export's table, format and scope; a target change's period. */
  detail: v.optional(v.record(v.string(), v.string())),
});
export type AuditEvent = v.InferOutput<typeof auditEventSchema>;

export const auditPageSchema = v.object({
  events: v.array(auditEventSchema),
  nextCursor: v.nullable(v.string()),
});
export type AuditPage = v.InferOutput<typeof auditPageSchema>;

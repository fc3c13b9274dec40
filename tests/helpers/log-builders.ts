/**
 * Builders for log content, server records and the signed-in volunteer
 * (tests only). Keep fixtures small: override just the fields a test is about.
 */
import type { UserProfile } from '../../src/shared/schemas/auth.ts';
import type { LogContent, LogRecord } from '../../src/shared/schemas/log.ts';

/** The demo volunteer tnv.an of `tan-phu` (Thôn Đông), under a fresh id by default. */
export function makeVolunteer(overrides: Partial<UserProfile> = {}): UserProfile {
  return {
    id: `user-${crypto.randomUUID()}`,
    username: 'tnv.an',
    displayName: 'Trần Văn An',
    role: 'volunteer',
    communeId: 'tan-phu',
    communeName: 'Xã Tân Phú',
    hamletId: 'tan-phu-dong',
    hamlets: [{ id: 'tan-phu-dong', name: 'Thôn Đông' }],
    ...overrides,
  };
}

/** A valid session record for the demo commune `tan-phu`. */
export function makeContent(overrides: Partial<LogContent> = {}): LogContent {
  return {
    communeId: 'tan-phu',
    hamletId: 'tan-phu-dong',
    activityDate: '2025-03-14',
    kind: 'home_visit',
    residents: { under30: 0, from30to59: 1, over60: 1 },
    language: 'vi',
    skills: [{ skillId: 'vneid-level2', contentVersion: 1, stepsDone: ['install-vneid'] }],
    outcome: 'done',
    notes: 'Cài VNeID cho hai ông bà',
    ...overrides,
  };
}

/** A server record for `content`, as the push/pull answers carry it. */
export function makeRecord(
  id: string,
  content: LogContent,
  overrides: Partial<LogRecord> = {},
): LogRecord {
  return {
    ...content,
    id,
    authorId: 'user-an',
    authorName: 'Nguyễn Văn An',
    status: 'submitted',
    reviewComment: null,
    reviewedAt: null,
    reviewedByName: null,
    version: 1,
    deleted: false,
    createdAt: '2025-03-14T08:00:00.000Z',
    updatedAt: '2025-03-14T08:00:00.000Z',
    ...overrides,
  };
}

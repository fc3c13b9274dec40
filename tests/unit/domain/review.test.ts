import { describe, expect, it } from 'vitest';
import {
  isReviewable,
  reviewTransition,
  statusAfterContentEdit,
} from '../../../src/domain/review.ts';
import type { LogStatus } from '../../../src/shared/schemas/log.ts';
import type { ReviewDecisionKind } from '../../../src/shared/schemas/review.ts';

describe('reviewTransition', () => {
  it.each<[LogStatus, ReviewDecisionKind, ReturnType<typeof reviewTransition>]>([
    ['submitted', 'approve', { ok: true, changed: true, status: 'approved' }],
    ['submitted', 'return', { ok: true, changed: true, status: 'changes_requested' }],
    ['changes_requested', 'approve', { ok: true, changed: true, status: 'approved' }],
    ['changes_requested', 'return', { ok: true, changed: true, status: 'changes_requested' }],
    ['approved', 'approve', { ok: true, changed: false, status: 'approved' }],
    ['approved', 'return', { ok: false, reason: 'invalid_transition' }],
  ])('%s + %s', (status, decision, expected) => {
    expect(reviewTransition(status, decision)).toEqual(expected);
  });
});

describe('statusAfterContentEdit', () => {
  it.each<[LogStatus, LogStatus | null]>([
    ['submitted', 'submitted'],
    ['changes_requested', 'submitted'],
    ['approved', null],
  ])('%s → %s', (status, expected) => {
    expect(statusAfterContentEdit(status)).toBe(expected);
  });
});

describe('isReviewable', () => {
  it('is true until approved', () => {
    expect(isReviewable('submitted')).toBe(true);
    expect(isReviewable('changes_requested')).toBe(true);
    expect(isReviewable('approved')).toBe(false);
  });
});

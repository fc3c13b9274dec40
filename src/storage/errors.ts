/** Errors thrown by the storage module. Owns: ValidationError, LogNotFoundError. */
import type { FieldProblem } from '../shared/validation.ts';

/** The content did not pass `logContentSchema`; nothing was written. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  readonly problems: FieldProblem[];
  constructor(problems: FieldProblem[]) {
    super(
      `Invalid log content: ${problems.map((p) => `${p.field || '(root)'}: ${p.code}`).join(', ')}`,
    );
    this.problems = problems;
  }
}

/** The log does not exist on this device, or it was deleted. */
export class LogNotFoundError extends Error {
  override readonly name = 'LogNotFoundError';
  readonly id: string;
  constructor(id: string) {
    super(`No log ${id} on this device`);
    this.id = id;
  }
}

/**
 * valibot validators for routes: a failure answers 400 with translated field
 * problems (docs/ARCHITECTURE.md "HTTP API").
 */
import { vValidator } from '@hono/valibot-validator';
import type { GenericSchema } from 'valibot';
import { issuesToProblems, validationBody } from './problems.ts';

export const validJson = <T extends GenericSchema>(schema: T) =>
  vValidator('json', schema, (result, c) => {
    if (!result.success) return c.json(validationBody(c, issuesToProblems(result.issues)), 400);
  });

export const validQuery = <T extends GenericSchema>(schema: T) =>
  vValidator('query', schema, (result, c) => {
    if (!result.success) return c.json(validationBody(c, issuesToProblems(result.issues)), 400);
  });

/**
 * The ordered list of migrations. They are TypeScript modules exporting SQL
 * strings so vitest, tsc and the esbuild bundle all load them the same way.
 * To add one: create `NNNN_what.ts` exporting `name` and `sql`, append it here.
 */
import * as m0001 from './0001_init.ts';
import * as m0002 from './0002_amendment_index.ts';
import * as m0003 from './0003_residents_women.ts';
import * as m0004 from './0004_login_throttle.ts';
import * as m0005 from './0005_enrolment.ts';
import * as m0006 from './0006_commune_province.ts';
import * as m0007 from './0007_audit.ts';
import * as m0008 from './0008_roles.ts';
import * as m0009 from './0009_follow_up_contact.ts';
import * as m0010 from './0010_targets.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: m0001.name, sql: m0001.sql },
  { version: 2, name: m0002.name, sql: m0002.sql },
  { version: 3, name: m0003.name, sql: m0003.sql },
  { version: 4, name: m0004.name, sql: m0004.sql },
  { version: 5, name: m0005.name, sql: m0005.sql },
  { version: 6, name: m0006.name, sql: m0006.sql },
  { version: 7, name: m0007.name, sql: m0007.sql },
  { version: 8, name: m0008.name, sql: m0008.sql },
  { version: 9, name: m0009.name, sql: m0009.sql },
  { version: 10, name: m0010.name, sql: m0010.sql },
];

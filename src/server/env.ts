/** What the Hono app is built from, and what its handlers can read. */
import type { Lang } from './http/i18n.ts';
import type { SessionUser } from './auth/session.ts';
import type { Curriculum } from './curriculum.ts';
import type { Db } from './db/index.ts';
import type { Faults } from './fault.ts';

export interface Logger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Everything a route needs, resolved (see createApp for the defaults). */
export interface ServerContext {
  db: Db;
  now: () => Date;
  log: Logger;
  curriculum: Curriculum;
  /** Crash-test hooks (fault.ts); undefined, i.e. inert, unless SOTAY_FAULT is set. */
  faults?: Faults;
  /** Take the client address from `X-Forwarded-For` (behind a reverse proxy). */
  trustProxy: boolean;
}

export interface AppEnv {
  Variables: {
    user: SessionUser;
    lang: Lang;
  };
}

export const consoleLogger: Logger = {
  info: (m, e) => console.log(m, ...(e ? [e] : [])),
  warn: (m, e) => console.warn(m, ...(e ? [e] : [])),
  error: (m, e) => console.error(m, ...(e ? [e] : [])),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

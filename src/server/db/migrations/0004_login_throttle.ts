/**
 * 0004: failed sign-ins per typed username and per client address, for the
 * lockout with backoff (src/server/auth/throttle.ts, docs/SECURITY.md).
 */
export const name = 'login_throttle';

export const sql = /* sql */ `
create table login_throttle (
  key text primary key,
  failures int not null,
  last_failure_at timestamptz not null,
  locked_until timestamptz
);
`;

/**
 * 0003: payload schema 2 records how many of the residents were women
 * (optional; null = not recorded, as for every log of payload schema 1).
 */
export const name = 'residents_women';

export const sql = /* sql */ `
alter table activity_log add column residents_women int
  check (residents_women >= 0 and residents_women <= residents_under30 + residents_30_59 + residents_60_plus);
`;

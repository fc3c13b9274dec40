/** 0006: the province a commune belongs to (set by the admin CLI; the province view will group by it). */
export const name = 'commune_province';

export const sql = /* sql */ `
alter table commune add column province text;
`;

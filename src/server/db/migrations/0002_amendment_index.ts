/**
 * 0002: a log's amendment requests by log (every record read lists them, and
 * the coordinator reads and resolves them by log).
 */
export const name = 'amendment_index';

export const sql = /* sql */ `
create index sync_conflict_log on sync_conflict (log_id, created_at);
`;

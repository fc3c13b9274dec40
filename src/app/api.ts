/**
 * The one API client of the app. Imported by lazy screens directly and by
 * the session module on demand, so the client and its response schemas are
 * not on the first screen's critical path.
 */
import { createApiClient } from '../sync/api-client.ts';

export const api = createApiClient();

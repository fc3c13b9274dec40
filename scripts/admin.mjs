// `npm run admin -- <command>`: communes, hamlets, coordinators and admins on
// the server's database (DATABASE_URL, or PGlite in SOTAY_DATA_DIR with the
// server stopped). See src/server/admin-cli.ts for the commands.
import { runEntry } from './run-entry.mjs';

await runEntry('src/server/admin-main.ts');

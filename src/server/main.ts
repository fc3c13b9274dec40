/**
 * The server process: parse the environment, open and migrate the database,
 * seed the demo on an empty database, serve the API and the built PWA on one
 * port, and shut down cleanly on SIGTERM/SIGINT.
 *
 * Environment: PORT (8080), HOST (127.0.0.1), SOTAY_DATA_DIR (./data, PGlite),
 * DATABASE_URL (PostgreSQL instead of PGlite), SOTAY_STATIC_DIR (./dist),
 * SOTAY_DEMO (default: on when HOST is a loopback address, else off; "1"
 * turns it on for any HOST, with a warning; "0" turns it off). SOTAY_FAULT
 * (crash tests only, see fault.ts) makes the process SIGKILL itself at a point.
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { readConfig } from './config.ts';
import { DataDirLockedError } from './db/lock.ts';
import { openDatabase } from './db/open.ts';
import { setUpDemo } from './demo.ts';
import { purgeExpiredContacts } from './contacts.ts';
import { consoleLogger } from './env.ts';
import { faultsFromSpec } from './fault.ts';

async function main(): Promise<void> {
  const config = readConfig(process.env);
  const log = consoleLogger;
  // Parsed first: a mistyped spec stops the start instead of running without faults.
  const faults = faultsFromSpec(process.env.SOTAY_FAULT);
  if (faults) {
    log.warn(
      `SOTAY_FAULT=${process.env.SOTAY_FAULT}: this server kills itself (SIGKILL) at those points. ` +
        'For crash tests only.',
    );
  }
  let db;
  try {
    db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  log.info(
    config.databaseUrl
      ? 'database: PostgreSQL (DATABASE_URL)'
      : `database: PGlite in ${config.dataDir}`,
  );

  await setUpDemo(db, config, log);

  const staticDir = existsSync(config.staticDir) ? config.staticDir : undefined;
  if (!staticDir)
    log.warn(`no built app in ${config.staticDir}: serving the API only (run npm run build)`);
  const app = createApp({
    db,
    ...(staticDir ? { staticDir } : {}),
    ...(faults ? { faults } : {}),
    log,
    trustProxy: config.trustProxy,
  });

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    log.info(`Sổ tay listening on http://${config.host}:${info.port}`);
    log.info('ready');
  }) as Server;

  // Follow-up contacts past their retention date: at start, then hourly
  // (listing them deletes the expired ones too, so none is ever shown late).
  const purge = () =>
    purgeExpiredContacts(db, new Date()).then(
      (n) => {
        if (n > 0) log.info(`deleted ${n} follow-up contacts past their retention date`);
      },
      (err: unknown) => log.error('purging follow-up contacts failed', { error: String(err) }),
    );
  void purge();
  const purgeTimer = setInterval(() => void purge(), 60 * 60 * 1000);
  purgeTimer.unref();

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(purgeTimer);
    log.info(`${signal}: stopping`);
    // Stop accepting, let in-flight requests finish, then close the database.
    const force = setTimeout(() => {
      log.warn('requests still open after 10 s; closing anyway');
      server.closeAllConnections();
    }, 10_000);
    force.unref();
    server.close(() => {
      void db.close().then(
        () => {
          log.info('stopped');
          process.exit(0);
        },
        (err: unknown) => {
          log.error('error while closing the database', { error: String(err) });
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

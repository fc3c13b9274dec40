/**
 * The previous release of the app, built from git for the upgrade test (E5).
 *
 * "Previous release" = the commit before the one that raised the payload
 * schema to its current value: the last client that wrote the older payload
 * (and the older IndexedDB version). Found by content, not by a hash, so it
 * survives a rebase. Its source comes from `git archive`, is built with this
 * checkout's node_modules (the dependencies must still build it), and is
 * cached per commit under node_modules/.cache.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PAYLOAD_SCHEMA } from '../../src/shared/protocol.ts';

const ROOT = join(import.meta.dirname, '../..');
const PROTOCOL = 'src/shared/protocol.ts';

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
}

export interface PreviousRelease {
  commit: string;
  /** The built app (with the bench page in bench/), ready to serve. */
  dir: string;
}

function previousCommit(): string {
  if (git(['rev-parse', '--is-shallow-repository']) === 'true') {
    try {
      git(['fetch', '--quiet', '--unshallow']);
    } catch {
      throw new Error(
        'E5 builds the previous release from git history, but this clone is shallow ' +
          'and `git fetch --unshallow` failed: clone the repository with its history.',
      );
    }
  }
  const raised = git([
    'log',
    '-1',
    '--format=%H',
    `-G^export const PAYLOAD_SCHEMA = ${PAYLOAD_SCHEMA};`,
    '--',
    PROTOCOL,
  ]);
  if (!raised) throw new Error(`no commit sets PAYLOAD_SCHEMA = ${PAYLOAD_SCHEMA} in ${PROTOCOL}`);
  const commit = git(['rev-parse', `${raised}^`]);
  const old = git(['show', `${commit}:${PROTOCOL}`]);
  if (!old.includes(`export const PAYLOAD_SCHEMA = ${PAYLOAD_SCHEMA - 1};`)) {
    throw new Error(`${commit} does not write payload schema ${PAYLOAD_SCHEMA - 1}`);
  }
  return commit;
}

/** Builds (or reuses the cached build of) the previous release. Takes ~20 s the first time. */
export function buildPreviousRelease(): PreviousRelease {
  const commit = previousCommit();
  const src = join(ROOT, 'node_modules/.cache/sotay-previous', commit);
  const dir = join(src, 'dist');
  if (existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'bench/index.html'))) {
    return { commit, dir };
  }
  rmSync(src, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${src}"`], { cwd: ROOT });
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  // A production build, as `npm test` makes: under vitest NODE_ENV is `test`,
  // which would build with import.meta.env.DEV set (no service worker).
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_ENV'),
  );
  const build = (args: string[]) =>
    execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn', ...args], {
      cwd: src,
      stdio: 'inherit',
      env: { ...env, NODE_ENV: 'production' },
    });
  build([]);
  build(['-c', 'vite.bench.config.ts']);
  return { commit, dir };
}

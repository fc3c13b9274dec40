/**
 * A Vite plugin: `virtual:learn-catalog`, the residents' list of tutorials
 * worked out at build time from seeds/ (each tutorial's skill, code, checklist
 * version, number of steps and the skill's title), in code order (101 first).
 * The list screen imports this (about 0.5 KB brotli) instead of loading the
 * eight tutorials and eight checklists (about 40 KB) to show titles and counts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

const ID = 'virtual:learn-catalog';
const RESOLVED = '\0' + ID;

export interface CatalogEntry {
  skillId: string;
  code: string;
  version: number;
  steps: number;
  title: { vi: string; en: string };
}

/** The catalog of the tutorials in `seeds` (the folder holding tutorials/ and skills/). */
export function learnCatalog(seeds: string): CatalogEntry[] {
  const dir = join(seeds, 'tutorials');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const tutorial = JSON.parse(readFileSync(join(dir, f), 'utf8')) as {
        skillId: string;
        code: string;
        skillVersion: number;
        steps: unknown[];
      };
      const skill = JSON.parse(
        readFileSync(join(seeds, 'skills', `${tutorial.skillId}.json`), 'utf8'),
      ) as { title: { vi: string; en: string } };
      return {
        skillId: tutorial.skillId,
        code: tutorial.code,
        version: tutorial.skillVersion,
        steps: tutorial.steps.length,
        title: { vi: skill.title.vi, en: skill.title.en },
      };
    })
    .sort((a, b) => a.code.localeCompare(b.code));
}

export function learnCatalogPlugin(seeds = join(import.meta.dirname, '../seeds')): Plugin {
  return {
    name: 'sotay-learn-catalog',
    resolveId: (id) => (id === ID ? RESOLVED : undefined),
    load(id) {
      if (id !== RESOLVED) return undefined;
      // The files it is made from (JSON only: a folder such as skills/archive is
      // not a file, and the dev server would try to import it).
      for (const sub of ['tutorials', 'skills'])
        for (const f of readdirSync(join(seeds, sub)).filter((name) => name.endsWith('.json')))
          this.addWatchFile(join(seeds, sub, f));
      return `export const CATALOG = ${JSON.stringify(learnCatalog(seeds))};`;
    },
  };
}

/** Made at build time from seeds/ by scripts/learn-catalog.ts (its `CatalogEntry`). */
declare module 'virtual:learn-catalog' {
  export const CATALOG: readonly {
    skillId: string;
    code: string;
    /** The checklist version the tutorial follows. */
    version: number;
    steps: number;
    title: { vi: string; en: string };
  }[];
}

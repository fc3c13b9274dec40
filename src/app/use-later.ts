/** Components the first screen shows a moment later, loaded after its first render (G1). */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** A component loaded after the first render; null until it is there. */
export function useLater<P>(load: () => Promise<ComponentType<P>>): ComponentType<P> | null {
  const [component, setComponent] = useState<ComponentType<P> | null>(null);
  useEffect(() => {
    let live = true;
    load().then(
      (c) => live && setComponent(() => c),
      (err: unknown) => console.error(err),
    );
    return () => {
      live = false;
    };
    // Loaded once per mount: `load` is a new function on every render.
  }, []);
  return component;
}

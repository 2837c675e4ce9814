import { useEffect, useRef } from 'react';
import { BACKGROUND } from './client';
import { useLoad, type Loaded } from './useLoad';

/** What a load is given to pass on to the API call: the BACKGROUND header on the poll's loads. */
// A type, not an interface: openapi-fetch's request options take only types with an implicit index signature.
export type LoadInit = { headers?: typeof BACKGROUND };

/**
 * useLoad, and loaded again every `intervalOf(data)` milliseconds (null: not now) while the tab is
 * open. The poll's loads carry the BACKGROUND header, so they do not keep an idle login alive;
 * loads the administrator asks for (reload) do.
 */
export function usePolledLoad<T>(load: (init: LoadInit) => Promise<T>, intervalOf: (data: T | undefined) => number | null): Loaded<T> {
  // Read when a load starts, so only the timer's loads are background ones.
  const background = useRef(false);
  const loaded = useLoad(() => load(background.current ? { headers: BACKGROUND } : {}));
  const { reload } = loaded;
  const intervalMs = intervalOf(loaded.data);

  useEffect(() => {
    if (intervalMs === null) return;
    const timer = setInterval(() => {
      background.current = true;
      void reload(); // the load has read the flag synchronously by now
      background.current = false;
    }, intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, reload]);

  return loaded;
}

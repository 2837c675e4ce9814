import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  /** Why the last load failed (an ApiError, or GatewayUnreachableError the shell already acts on). */
  error: unknown;
  loading: boolean;
  /** Loads again; the answer of an older, slower load never overwrites a newer one. */
  reload: () => Promise<T | undefined>;
}

/**
 * Loads data for a tab when it mounts and again on `reload()` (after every change, so the UI never
 * shows a half-applied state). The last good data stays shown while a reload is under way.
 */
export function useLoad<T>(load: () => Promise<T>): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const call = ++latest.current;
    setLoading(true);
    try {
      const answer = await loadRef.current();
      if (call === latest.current) {
        setData(answer);
        setError(undefined);
      }
      return answer;
    } catch (err) {
      if (call === latest.current) setError(err);
      return undefined;
    } finally {
      if (call === latest.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void reload();
    // A tab that goes away must not take a late answer.
    return () => {
      latest.current++;
    };
  }, [reload]);

  return { data, error, loading, reload };
}

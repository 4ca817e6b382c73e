import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from './api';

/** How often lists and a run's page ask again (the issue asks for at most 5 s). */
export const POLL_MS = 3000;

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  reload: () => void;
}

/**
 * GETs `path` and again every `POLL_MS` while the page is visible (`null`: nothing to get yet).
 * A new path shows nothing stale: the data is cleared until the new answer comes.
 */
export function usePoll<T>(path: string | null, poll = true): Loaded<T> {
  const [state, setState] = useState<{ path: string | null; data?: T; error?: ApiError }>({ path });
  const [tick, setTick] = useState(0);
  const current = useRef(path);
  current.current = path;
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    if (path === null) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async (): Promise<void> => {
      try {
        const data = await api<T>('GET', path);
        if (!stopped && current.current === path) setState({ path, data });
      } catch (error) {
        const problem = error instanceof ApiError ? error : new ApiError(0, 'error', String(error));
        if (!stopped && current.current === path) setState((s) => ({ ...s, path, error: problem }));
      }
      if (!stopped && poll) timer = setTimeout(() => void whenVisible(load), POLL_MS);
    };
    void load();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [path, tick, poll]);

  const fresh = state.path === path;
  return { data: fresh ? state.data : undefined, error: fresh ? state.error : undefined, reload };
}

/** Runs `load` now if the page is visible, else when it becomes visible. */
async function whenVisible(load: () => Promise<void>): Promise<void> {
  if (document.visibilityState !== 'hidden') return load();
  await new Promise<void>((resolve) => {
    const onChange = (): void => {
      if (document.visibilityState === 'hidden') return;
      document.removeEventListener('visibilitychange', onChange);
      resolve();
    };
    document.addEventListener('visibilitychange', onChange);
  });
  return load();
}

/** A paged list's cursors: the current one and those of the pages before it. */
export function useCursor(resetKey: string): {
  cursor: string;
  next: (cursor: string) => void;
  previous: () => void;
  first: () => void;
  page: number;
} {
  const [stack, setStack] = useState<{ key: string; cursors: string[] }>({ key: resetKey, cursors: [''] });
  const cursors = stack.key === resetKey ? stack.cursors : [''];
  return {
    cursor: cursors[cursors.length - 1],
    page: cursors.length,
    next: (cursor) => setStack({ key: resetKey, cursors: [...cursors, cursor] }),
    previous: () => setStack({ key: resetKey, cursors: cursors.length > 1 ? cursors.slice(0, -1) : [''] }),
    first: () => setStack({ key: resetKey, cursors: [''] }),
  };
}

/** An action's state: running, its error, and a message once it succeeded. */
export function useAction(): {
  busy: boolean;
  error: ApiError | undefined;
  done: string | undefined;
  run: (action: () => Promise<string | undefined | void>) => Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const run = async (action: () => Promise<string | undefined | void>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const message = await action();
      setDone(message ?? undefined);
    } catch (e) {
      setError(
        e instanceof ApiError ? e : new ApiError(0, 'error', e instanceof Error ? e.message : String(e)),
      );
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, done, run };
}

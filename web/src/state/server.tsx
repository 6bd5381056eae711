/**
 * The server as the studio sees it: the API client (with the key from Settings), the served models and
 * the key's usage. A 401 means this server wants a key the studio does not have (or has wrong); the
 * views then ask for one instead of failing one request at a time.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, StudioApi } from '../api/client.ts';
import type { Model, Usage } from '../api/types.ts';
import { usePrefs } from './prefs.tsx';

export type Connection = 'connecting' | 'ready' | 'needs-key' | 'offline';

interface ServerValue {
  readonly api: StudioApi;
  readonly connection: Connection;
  /** The last connection problem, as the server worded it. */
  readonly problem?: string;
  readonly models: readonly Model[];
  readonly usage?: Usage;
  refreshUsage(): void;
  reconnect(): void;
}

const ServerContext = createContext<ServerValue | null>(null);

export function ServerProvider({ children }: { children: ReactNode }) {
  const { apiKey } = usePrefs();
  const api = useMemo(() => new StudioApi(apiKey), [apiKey]);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [problem, setProblem] = useState<string>();
  const [models, setModels] = useState<readonly Model[]>([]);
  const [usage, setUsage] = useState<Usage>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    setConnection('connecting');
    Promise.all([api.models(), api.usage()]).then(
      ([m, u]) => {
        if (!live) return;
        setModels(m);
        setUsage(u);
        setProblem(undefined);
        setConnection('ready');
      },
      (error: unknown) => {
        if (!live) return;
        const e = error instanceof ApiError ? error : undefined;
        setProblem(e?.message ?? String(error));
        setConnection(e?.status === 401 ? 'needs-key' : 'offline');
      },
    );
    return () => {
      live = false;
    };
  }, [api, attempt]);

  const refreshUsage = useCallback(() => {
    api.usage().then(setUsage, () => undefined);
  }, [api]);
  const reconnect = useCallback(() => setAttempt((n) => n + 1), []);

  const value = useMemo(() => ({ api, connection, problem, models, usage, refreshUsage, reconnect }), [api, connection, problem, models, usage, refreshUsage, reconnect]);
  return <ServerContext.Provider value={value}>{children}</ServerContext.Provider>;
}

export function useServer(): ServerValue {
  const value = useContext(ServerContext);
  if (!value) throw new Error('useServer outside ServerProvider');
  return value;
}

/**
 * The user's videos, newest first, kept live: unfinished ones are followed over Server-Sent Events (with
 * their previews; a browser allows few connections per server, so at most MAX_STREAMS at once) and the
 * rest are polled. The list itself comes from the server's database, so it is the same after a reload,
 * a restart, or in another browser.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, type ReactNode } from 'react';
import type { CreateRequest, StoryRequest, StudioApi } from '../api/client.ts';
import { isFinal, type Preview, type Video } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useServer } from './server.tsx';
import { useToast } from './toasts.tsx';

const MAX_STREAMS = 3;
const POLL_MS = 1500;
const POLL_ONE_BY_ONE = 3;

interface State {
  readonly videos: readonly Video[];
  readonly previews: ReadonlyMap<string, Preview>;
  readonly loading: boolean;
  readonly loaded: boolean;
  readonly after?: string;
  readonly hasMore: boolean;
  readonly error?: string;
}

type Action =
  | { type: 'loading' }
  | { type: 'page'; videos: readonly Video[]; hasMore: boolean; after?: string; first: boolean }
  | { type: 'failed'; error: string }
  | { type: 'upsert'; video: Video }
  | { type: 'remove'; id: string }
  | { type: 'preview'; id: string; preview: Preview }
  | { type: 'reset' };

const INITIAL: State = { videos: [], previews: new Map(), loading: false, loaded: false, hasMore: false };

function upsert(list: readonly Video[], video: Video): Video[] {
  const i = list.findIndex((v) => v.id === video.id);
  if (i >= 0) return list.map((v, j) => (j === i ? video : v));
  const at = list.findIndex((v) => v.created_at < video.created_at);
  return at < 0 ? [...list, video] : [...list.slice(0, at), video, ...list.slice(at)];
}

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case 'reset':
      return INITIAL;
    case 'loading':
      return { ...state, loading: true, error: undefined };
    case 'failed':
      return { ...state, loading: false, error: action.error };
    case 'page': {
      let videos = [...state.videos];
      for (const v of action.videos) videos = upsert(videos, v);
      // The first page also tells where older pages start, unless older ones are loaded already.
      const keepCursor = action.first && state.loaded;
      return {
        ...state,
        videos,
        loading: false,
        loaded: true,
        hasMore: keepCursor ? state.hasMore : action.hasMore,
        after: keepCursor ? state.after : action.after,
      };
    }
    case 'upsert': {
      const previews = isFinal(action.video) && state.previews.has(action.video.id) ? without(state.previews, action.video.id) : state.previews;
      return { ...state, videos: upsert(state.videos, action.video), previews };
    }
    case 'remove':
      return { ...state, videos: state.videos.filter((v) => v.id !== action.id), previews: without(state.previews, action.id) };
    case 'preview':
      return { ...state, previews: new Map(state.previews).set(action.id, action.preview) };
  }
}

function without<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  const copy = new Map(map);
  copy.delete(key);
  return copy;
}

interface JobsValue extends State {
  find(id: string): Video | undefined;
  /** Loads one video that is not in the list (a link to an old one). */
  fetchOne(id: string): Promise<Video | undefined>;
  loadMore(): void;
  refresh(): void;
  create(request: CreateRequest): Promise<Video>;
  createStory(request: StoryRequest): Promise<Video>;
  remix(id: string, prompt: string): Promise<Video>;
  cancel(id: string): Promise<void>;
  remove(id: string): Promise<void>;
}

const JobsContext = createContext<JobsValue | null>(null);

export function JobsProvider({ children }: { children: ReactNode }) {
  const { api, connection, refreshUsage } = useServer();
  const { t } = useI18n();
  const notify = useToast();
  const [state, dispatch] = useReducer(reducer, INITIAL);
  const streams = useRef(new Map<string, AbortController>());
  const known = useRef(new Map<string, Video['status']>());

  const loadPage = useCallback(
    (after?: string) => {
      dispatch({ type: 'loading' });
      api.listVideos({ after }).then(
        (page) => dispatch({ type: 'page', videos: page.data, hasMore: page.has_more, after: page.last_id ?? undefined, first: after === undefined }),
        (error: unknown) => dispatch({ type: 'failed', error: (error as Error).message }),
      );
    },
    [api],
  );

  // A new key is a new account: start over.
  useEffect(() => {
    dispatch({ type: 'reset' });
    known.current.clear();
    const open = streams.current;
    return () => {
      for (const controller of open.values()) controller.abort();
      open.clear();
    };
  }, [api]);

  useEffect(() => {
    if (connection === 'ready') loadPage();
  }, [connection, loadPage]);

  // Pick up videos made elsewhere (the CLI, another tab) when the page comes back into view.
  useEffect(() => {
    if (connection !== 'ready') return;
    const onFocus = () => loadPage();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [connection, loadPage]);

  // Announce videos that finish while the studio is open.
  useEffect(() => {
    for (const v of state.videos) {
      const before = known.current.get(v.id);
      if (before && before !== v.status && isFinal(v)) {
        const prompt = shorten(v.prompt ?? '');
        if (v.status === 'completed') notify(t('toast.completed', { prompt }), 'success');
        else if (v.status === 'failed') notify(t('toast.failed', { prompt }), 'error');
        refreshUsage();
      }
      known.current.set(v.id, v.status);
    }
  }, [state.videos, notify, t, refreshUsage]);

  const unfinished = state.videos.filter((v) => !isFinal(v)).map((v) => v.id);
  const unfinishedKey = unfinished.join(',');

  useEffect(() => {
    if (!unfinishedKey) return;
    const ids = unfinishedKey.split(',').reverse(); // oldest first: the one running
    const open = streams.current;
    for (const [id, controller] of open) {
      if (!ids.includes(id)) {
        controller.abort();
        open.delete(id);
      }
    }
    for (const id of ids) {
      if (open.size >= MAX_STREAMS) break;
      if (!open.has(id)) follow(api, id, open, dispatch);
    }
    // The rest are polled: one by one when few, else through one list request (a rate-limited key would
    // not afford a request per video per tick).
    const poll = setInterval(() => {
      const rest = ids.filter((id) => !open.has(id));
      if (rest.length > POLL_ONE_BY_ONE) {
        api.listVideos().then((page) => page.data.forEach((video) => dispatch({ type: 'upsert', video })), () => undefined);
        return;
      }
      for (const id of rest) {
        api.video(id).then(
          (video) => dispatch({ type: 'upsert', video }),
          (error: unknown) => {
            if ((error as { status?: number }).status === 404) dispatch({ type: 'remove', id });
          },
        );
      }
    }, POLL_MS);
    return () => clearInterval(poll);
  }, [api, unfinishedKey]);

  const value = useMemo<JobsValue>(() => {
    // A video just asked for: into the list, and the balance it was charged from read again.
    const queued = async (request: Promise<Video>) => {
      const video = await request;
      dispatch({ type: 'upsert', video });
      refreshUsage();
      return video;
    };
    return {
      ...state,
      find: (id) => state.videos.find((v) => v.id === id),
      fetchOne: async (id) => {
        try {
          const video = await api.video(id);
          dispatch({ type: 'upsert', video });
          return video;
        } catch {
          return undefined;
        }
      },
      loadMore: () => {
        if (state.hasMore && !state.loading) loadPage(state.after);
      },
      refresh: () => loadPage(),
      create: (request) => queued(api.createVideo(request, requestId())),
      createStory: (request) => queued(api.createStory(request, requestId())),
      remix: (id, prompt) => queued(api.remix(id, prompt)),
      cancel: async (id) => {
        dispatch({ type: 'upsert', video: await api.cancel(id) });
        refreshUsage();
      },
      remove: async (id) => {
        await api.remove(id);
        dispatch({ type: 'remove', id });
        refreshUsage();
      },
    };
  }, [state, api, loadPage, refreshUsage]);
  return <JobsContext.Provider value={value}>{children}</JobsContext.Provider>;
}

/** Follows one video's events until it is final, the stream breaks (polling takes over) or it is aborted. */
function follow(api: StudioApi, id: string, open: Map<string, AbortController>, dispatch: (action: Action) => void): void {
  const controller = new AbortController();
  open.set(id, controller);
  void (async () => {
    try {
      for await (const event of api.events(id, { previews: true, signal: controller.signal })) {
        if (event.type === 'video') dispatch({ type: 'upsert', video: event.video });
        else if (event.type === 'preview') dispatch({ type: 'preview', id, preview: event.preview });
        else dispatch({ type: 'remove', id });
      }
    } catch {
      // a broken stream: the poller picks the video up
    } finally {
      if (open.get(id) === controller) open.delete(id);
    }
  })();
}

function shorten(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** An Idempotency-Key per create (crypto.randomUUID needs a secure context; plain http on a LAN is not one). */
function requestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `studio-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function useJobs(): JobsValue {
  const value = useContext(JobsContext);
  if (!value) throw new Error('useJobs outside JobsProvider');
  return value;
}

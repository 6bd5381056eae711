/**
 * Media of videos (MP4, thumbnail) as blob: URLs. Content downloads need the API key, which a <video> or
 * <img> cannot send, so they are fetched once and kept for the visit; the browser's HTTP cache (the files
 * are immutable, with ETags) makes a reload cheap too.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Variant } from '../api/types.ts';
import { useServer } from './server.tsx';

interface MediaValue {
  url(id: string, variant: Variant): Promise<string>;
  forget(id: string): void;
}

const MediaContext = createContext<MediaValue | null>(null);

export function MediaProvider({ children }: { children: ReactNode }) {
  const { api } = useServer();
  const cache = useRef(new Map<string, Promise<string>>());

  useEffect(() => {
    const urls = cache.current;
    return () => {
      for (const url of urls.values()) void url.then(URL.revokeObjectURL, () => undefined);
      urls.clear();
    };
  }, [api]);

  const url = useCallback(
    (id: string, variant: Variant) => {
      const key = `${id}/${variant}`;
      let pending = cache.current.get(key);
      if (!pending) {
        pending = api.content(id, variant).then((blob) => URL.createObjectURL(blob));
        pending.catch(() => cache.current.delete(key)); // try again next time
        cache.current.set(key, pending);
      }
      return pending;
    },
    [api],
  );

  const forget = useCallback((id: string) => {
    for (const [key, pending] of cache.current) {
      if (!key.startsWith(`${id}/`)) continue;
      void pending.then(URL.revokeObjectURL, () => undefined);
      cache.current.delete(key);
    }
  }, []);

  const value = useMemo(() => ({ url, forget }), [url, forget]);
  return <MediaContext.Provider value={value}>{children}</MediaContext.Provider>;
}

/** The blob: URL of a video's variant once loaded (undefined while loading, or when `enabled` is false). */
export function useMediaUrl(id: string, variant: Variant, enabled = true): { url?: string; failed: boolean } {
  const media = useContext(MediaContext);
  if (!media) throw new Error('useMediaUrl outside MediaProvider');
  const [state, setState] = useState<{ key: string; url?: string; failed: boolean }>({ key: '', failed: false });
  const key = `${id}/${variant}`;
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    media.url(id, variant).then(
      (url) => live && setState({ key, url, failed: false }),
      () => live && setState({ key, failed: true }),
    );
    return () => {
      live = false;
    };
  }, [media, id, variant, key, enabled]);
  return state.key === key ? { url: state.url, failed: state.failed } : { failed: false };
}

export function useMedia(): MediaValue {
  const media = useContext(MediaContext);
  if (!media) throw new Error('useMedia outside MediaProvider');
  return media;
}

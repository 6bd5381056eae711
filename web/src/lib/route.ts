/**
 * Routes live in the URL's hash (`#/gallery/video_…`), so the server serves one page for the whole
 * studio and every view can be bookmarked and reloaded.
 */
import { useEffect, useState } from 'react';

export type Route =
  | { readonly page: 'create' }
  | { readonly page: 'gallery'; readonly videoId?: string }
  | { readonly page: 'compare'; readonly a: string; readonly b: string }
  | { readonly page: 'play' }
  | { readonly page: 'settings' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'gallery':
      return { page: 'gallery', videoId: parts[1] };
    case 'compare':
      return parts[1] && parts[2] ? { page: 'compare', a: parts[1], b: parts[2] } : { page: 'gallery' };
    case 'play':
      return { page: 'play' };
    case 'settings':
      return { page: 'settings' };
    default:
      return { page: 'create' };
  }
}

export function routeHref(route: Route): string {
  switch (route.page) {
    case 'create':
      return '#/create';
    case 'gallery':
      return route.videoId ? `#/gallery/${encodeURIComponent(route.videoId)}` : '#/gallery';
    case 'compare':
      return `#/compare/${encodeURIComponent(route.a)}/${encodeURIComponent(route.b)}`;
    case 'play':
      return '#/play';
    case 'settings':
      return '#/settings';
  }
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

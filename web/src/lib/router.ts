/** Tiny URL router: the path picks the page, search params hold view state (shareable links). */
import { useEffect, useState, useCallback } from 'react';

export interface Route {
  path: string;
  params: URLSearchParams;
}

const read = (): Route => ({ path: location.pathname, params: new URLSearchParams(location.search) });
const listeners = new Set<() => void>();

export function navigate(to: string, replace = false): void {
  const theme = new URLSearchParams(location.search).get('theme');
  const u = new URL(to, location.origin);
  if (theme && !u.searchParams.has('theme')) u.searchParams.set('theme', theme);
  const href = u.pathname + u.search;
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  listeners.forEach((l) => l());
}

export function useRoute(): Route {
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    listeners.add(on);
    window.addEventListener('popstate', on);
    return () => {
      listeners.delete(on);
      window.removeEventListener('popstate', on);
    };
  }, []);
  return route;
}

/** One search param as state; setting it replaces the URL (no history spam). */
export function useParam(name: string, fallback: string): [string, (v: string) => void] {
  const route = useRoute();
  const value = route.params.get(name) ?? fallback;
  const set = useCallback(
    (v: string) => {
      const u = new URL(location.href);
      if (v === fallback) u.searchParams.delete(name);
      else u.searchParams.set(name, v);
      navigate(u.pathname + u.search, true);
    },
    [name, fallback],
  );
  return [value, set];
}

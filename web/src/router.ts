// Client-side routes on the History API. Only the search query and an entity id ever go in
// the URL; nothing else that could identify a person.

export type Route =
  | { name: 'home' }
  | { name: 'search'; q: string }
  | { name: 'entity'; id: string }
  | { name: 'users' }
  | { name: 'login' }
  | { name: 'unknown' };

export function parseRoute(loc: Location = location): Route {
  const path = loc.pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'home' };
  if (path === '/search') {
    const q = new URLSearchParams(loc.search).get('q') ?? '';
    return q.trim() ? { name: 'search', q } : { name: 'home' };
  }
  if (path === '/users') return { name: 'users' };
  if (path === '/login') return { name: 'login' };
  const entity = /^\/entity\/([^/]+)$/.exec(path);
  if (entity && entity[1]) {
    try {
      return { name: 'entity', id: decodeURIComponent(entity[1]) };
    } catch {
      return { name: 'unknown' };
    }
  }
  return { name: 'unknown' };
}

export const paths = {
  home: () => '/',
  search: (q: string) => `/search?q=${encodeURIComponent(q)}`,
  entity: (id: string) => `/entity/${encodeURIComponent(id)}`,
  users: () => '/users',
  login: () => '/login',
};

let listener: (() => void) | null = null;

export function onNavigate(fn: () => void): void {
  listener = fn;
  window.addEventListener('popstate', () => listener?.());
  // Same-origin links are followed in the page, without a reload; a modified click (new tab,
  // new window, download) is left to the browser.
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const target = event.target instanceof Element ? event.target.closest('a') : null;
    if (!target || target.target || target.hasAttribute('download')) return;
    const url = new URL(target.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}

export function navigate(path: string, replace = false): void {
  if (path === location.pathname + location.search && !replace) {
    listener?.();
    return;
  }
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  listener?.();
}

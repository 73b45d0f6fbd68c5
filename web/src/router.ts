// Client-side routes on the History API. Only the search query and entity ids ever go in the
// URL (besides the review queue's type filter and page); nothing else that could identify a
// person.

export type Route =
  | { name: 'home' }
  | { name: 'search'; q: string }
  | { name: 'entity'; id: string }
  | { name: 'users' }
  | { name: 'review'; queue: QueueParams }
  | { name: 'pair'; left: string; right: string }
  | { name: 'crossing' }
  | { name: 'alerts'; status: AlertStatus }
  | { name: 'network'; entity: string }
  | { name: 'coop'; tab: CoopTab }
  | { name: 'coopRequest'; id: string }
  | { name: 'protection' }
  | { name: 'protectionRegister' }
  | { name: 'protectionRetention' }
  | { name: 'protectionCase'; person: string }
  | { name: 'research' }
  | { name: 'risk'; tab: RiskTab; status: AlertStatus }
  | { name: 'riskProfile'; id: string }
  | { name: 'login' }
  | { name: 'unknown' };

export type AlertStatus = 'open' | 'decided' | 'all';

export type RiskTab = 'alerts' | 'profiles' | 'changes' | 'disparity';
const RISK_TABS: readonly RiskTab[] = ['alerts', 'profiles', 'changes', 'disparity'];

export type CoopTab = 'requests' | 'new' | 'shared' | 'partners' | 'timeliness';
const COOP_TABS: readonly CoopTab[] = ['requests', 'new', 'shared', 'partners', 'timeliness'];

/** The review queue's filter and page. */
export interface QueueParams {
  schema: string;
  unsure: boolean;
  /** strongest: most probable first; uncertain: nearest even odds first. */
  order: 'strongest' | 'uncertain';
  offset: number;
}

export const QUEUE_DEFAULTS: QueueParams = { schema: '', unsure: false, order: 'strongest', offset: 0 };

export function parseRoute(loc: Location = location): Route {
  const path = loc.pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'home' };
  if (path === '/search') {
    const q = new URLSearchParams(loc.search).get('q') ?? '';
    return q.trim() ? { name: 'search', q } : { name: 'home' };
  }
  if (path === '/users') return { name: 'users' };
  if (path === '/login') return { name: 'login' };
  if (path === '/crossing') return { name: 'crossing' };
  if (path === '/coop') {
    const tab = new URLSearchParams(loc.search).get('tab') as CoopTab | null;
    return { name: 'coop', tab: tab && COOP_TABS.includes(tab) ? tab : 'requests' };
  }
  const coopRequest = /^\/coop\/requests\/([^/]+)\/([^/]+)$/.exec(path);
  if (coopRequest && coopRequest[1] && coopRequest[2]) {
    try {
      return { name: 'coopRequest', id: `${decodeURIComponent(coopRequest[1])}/${decodeURIComponent(coopRequest[2])}` };
    } catch {
      return { name: 'unknown' };
    }
  }
  if (path === '/protection') return { name: 'protection' };
  if (path === '/protection/register') return { name: 'protectionRegister' };
  if (path === '/protection/retention') return { name: 'protectionRetention' };
  const protectionCase = /^\/protection\/cases\/([^/]+)$/.exec(path);
  if (protectionCase && protectionCase[1]) {
    try {
      return { name: 'protectionCase', person: decodeURIComponent(protectionCase[1]) };
    } catch {
      return { name: 'unknown' };
    }
  }
  if (path === '/research') return { name: 'research' };
  if (path === '/risk') {
    const params = new URLSearchParams(loc.search);
    const tab = params.get('tab') as RiskTab | null;
    const status = params.get('status');
    return {
      name: 'risk',
      tab: tab && RISK_TABS.includes(tab) ? tab : 'alerts',
      status: status === 'decided' || status === 'all' ? status : 'open',
    };
  }
  const riskProfile = /^\/risk\/profiles\/([^/]+)$/.exec(path);
  if (riskProfile && riskProfile[1]) {
    try {
      return { name: 'riskProfile', id: decodeURIComponent(riskProfile[1]) };
    } catch {
      return { name: 'unknown' };
    }
  }
  if (path === '/network') return { name: 'network', entity: new URLSearchParams(loc.search).get('entity') ?? '' };
  if (path === '/alerts') {
    const status = new URLSearchParams(loc.search).get('status');
    return { name: 'alerts', status: status === 'decided' || status === 'all' ? status : 'open' };
  }
  if (path === '/review') {
    const params = new URLSearchParams(loc.search);
    const offset = Number.parseInt(params.get('offset') ?? '0', 10);
    return {
      name: 'review',
      queue: {
        schema: params.get('schema') ?? '',
        unsure: params.get('unsure') === '1',
        order: params.get('order') === 'uncertain' ? 'uncertain' : 'strongest',
        offset: Number.isFinite(offset) && offset > 0 ? offset : 0,
      },
    };
  }
  const pair = /^\/review\/([^/]+)\/([^/]+)$/.exec(path);
  if (pair && pair[1] && pair[2]) {
    try {
      return { name: 'pair', left: decodeURIComponent(pair[1]), right: decodeURIComponent(pair[2]) };
    } catch {
      return { name: 'unknown' };
    }
  }
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
  review: (queue: QueueParams = QUEUE_DEFAULTS) => {
    const params = new URLSearchParams();
    if (queue.schema) params.set('schema', queue.schema);
    if (queue.unsure) params.set('unsure', '1');
    if (queue.order === 'uncertain') params.set('order', 'uncertain');
    if (queue.offset > 0) params.set('offset', String(queue.offset));
    const search = params.toString();
    return search ? `/review?${search}` : '/review';
  },
  pair: (left: string, right: string) => `/review/${encodeURIComponent(left)}/${encodeURIComponent(right)}`,
  login: () => '/login',
  crossing: () => '/crossing',
  coop: (tab: CoopTab = 'requests') => (tab === 'requests' ? '/coop' : `/coop?tab=${tab}`),
  coopRequest: (id: string) => {
    const [node, ...rest] = id.split('/');
    return `/coop/requests/${encodeURIComponent(node ?? '')}/${encodeURIComponent(rest.join('/'))}`;
  },
  network: (entity = '') => (entity ? `/network?entity=${encodeURIComponent(entity)}` : '/network'),
  protection: () => '/protection',
  protectionRegister: () => '/protection/register',
  protectionRetention: () => '/protection/retention',
  protectionCase: (person: string) => `/protection/cases/${encodeURIComponent(person)}`,
  research: () => '/research',
  alerts: (status: AlertStatus = 'open') => (status === 'open' ? '/alerts' : `/alerts?status=${status}`),
  risk: (tab: RiskTab = 'alerts', status: AlertStatus = 'open') => {
    const params = new URLSearchParams();
    if (tab !== 'alerts') params.set('tab', tab);
    if (status !== 'open') params.set('status', status);
    const search = params.toString();
    return search ? `/risk?${search}` : '/risk';
  },
  riskProfile: (id: string) => `/risk/profiles/${encodeURIComponent(id)}`,
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

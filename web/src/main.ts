// The workbench: finds out who is logged in, then shows the screen for the URL.

import { api, ApiError, setCsrfToken, setUnauthenticatedHandler } from './api';
import { h } from './dom';
import { applyLang, setLang, t, type Lang } from './i18n';
import { setReason } from './reason';
import { navigate, onNavigate, parseRoute, paths, type Route } from './router';
import type { Session } from './types';
import { errorBox, notPermitted } from './views/common';
import type { ViewContext } from './views/context';
import { renderAlerts, renderCrossing } from './views/border';
import { renderEntity } from './views/entity';
import { renderHeader, type Header } from './views/header';
import { renderLogin } from './views/login';
import { renderNetwork } from './views/network';
import { renderCoop, renderCoopRequest } from './views/coop';
import { renderProtection } from './views/protection';
import { renderProtectionCase } from './views/protection_case';
import { renderRegistration } from './views/protection_register';
import { renderRetention } from './views/protection_retention';
import { renderPair, renderReview } from './views/review';
import { renderResearch } from './views/research';
import { renderRisk, renderRiskProfile } from './views/risk';
import { renderHome, renderSearch } from './views/search';
import { renderUsers } from './views/users';

const root = document.getElementById('app') as HTMLElement;

let session: Session | null = null;
let header: Header | null = null;
let main: HTMLElement | null = null;
/** Where to go after logging in, when the user arrived at another page. Kept in memory only. */
let intended: string | null = null;
/** Bumped on every screen change; answers for an older screen are dropped. */
let generation = 0;
/** Set when a search is started from the search field: focus stays there (for ↓ into the
 * results) instead of moving to the new page's heading. */
let fromSearchBox = false;

function context(): ViewContext {
  const mine = generation;
  return {
    session: session as Session,
    isCurrent: () => mine === generation,
    focusReason,
    focusSearch,
  };
}

function focusReason(): void {
  header?.reasonInput.focus();
  header?.reasonInput.select();
}

function focusSearch(): void {
  header?.searchInput.focus();
  header?.searchInput.select();
}

function here(): string {
  return location.pathname + location.search;
}

/** Rebuilds everything: after login, logout and a change of language. */
function renderAll(): void {
  applyLang();
  generation++;
  if (!session) {
    header = null;
    main = null;
    if (parseRoute().name !== 'login') {
      intended = here();
      history.replaceState(null, '', paths.login());
    }
    root.replaceChildren(h('main', { id: 'main', class: 'login-main' }, renderLogin(loggedIn, changeLang)));
    return;
  }
  header = renderHeader(session.user, {
    search: (q) => {
      const text = q.trim();
      fromSearchBox = true;
      navigate(text ? paths.search(text) : paths.home());
    },
    reasonChanged: () => renderMain(false),
    setLang: changeLang,
    logout,
  });
  header.searchInput.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      const first = document.querySelector<HTMLElement>('[data-testid="search-result"]');
      if (first) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  main = h('main', { id: 'main' });
  root.replaceChildren(header.el, main);
  renderMain(false);
}

/** Shows the screen for the current URL below the header. */
function renderMain(focusPage: boolean): void {
  if (!session) {
    renderAll();
    return;
  }
  let route: Route = parseRoute();
  if (route.name === 'login') {
    history.replaceState(null, '', paths.home());
    route = { name: 'home' };
  }
  generation++;
  header?.update(route);
  const ctx = context();
  let view: HTMLElement;
  switch (route.name) {
    case 'home':
      view = renderHome(ctx);
      break;
    case 'search':
      view = renderSearch(route.q, ctx);
      break;
    case 'entity':
      view = renderEntity(route.id, ctx, focusPage);
      break;
    case 'users':
      view = renderUsers(ctx);
      break;
    case 'review':
      view = renderReview(route.queue, ctx, focusPage);
      break;
    case 'pair':
      view = renderPair(route.left, route.right, ctx, focusPage);
      break;
    case 'crossing':
      view = renderCrossing(ctx, focusPage);
      break;
    case 'alerts':
      view = renderAlerts(route.status, ctx, focusPage);
      break;
    case 'network':
      view = renderNetwork(route.entity, ctx, focusPage);
      break;
    case 'coop':
      view = renderCoop(route.tab, ctx, focusPage);
      break;
    case 'coopRequest':
      view = renderCoopRequest(route.id, ctx, focusPage);
      break;
    case 'protection':
      view = renderProtection(ctx, focusPage);
      break;
    case 'protectionRegister':
      view = renderRegistration(ctx, focusPage);
      break;
    case 'protectionRetention':
      view = renderRetention(ctx, focusPage);
      break;
    case 'protectionCase':
      view = renderProtectionCase(route.person, ctx, focusPage);
      break;
    case 'research':
      view = renderResearch(ctx, focusPage);
      break;
    case 'risk':
      view = renderRisk(route.tab, route.status, ctx, focusPage);
      break;
    case 'riskProfile':
      view = renderRiskProfile(route.id, ctx, focusPage);
      break;
    default:
      view = h('section', { class: 'page' }, notPermitted());
  }
  main?.replaceChildren(view);
}

function loggedIn(next: Session): void {
  session = next;
  setCsrfToken(next.csrf_token);
  const target = intended && intended !== paths.login() ? intended : paths.home();
  intended = null;
  history.replaceState(null, '', target);
  renderAll();
}

async function logout(): Promise<void> {
  try {
    await api.logout();
  } catch (error) {
    // A session that is already gone is logged out all the same.
    if (!(error instanceof ApiError && error.status === 401)) {
      main?.prepend(errorBox(error));
      return;
    }
  }
  endSession();
  history.replaceState(null, '', paths.login());
  renderAll();
}

function endSession(): void {
  session = null;
  setCsrfToken(null);
  // The reason belongs to the person who gave it.
  setReason('');
}

function changeLang(next: Lang): void {
  setLang(next);
  renderAll();
  root.querySelector<HTMLElement>('[data-testid="lang"]')?.focus();
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

document.addEventListener('keydown', (event) => {
  if (event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event.target) && header) {
    event.preventDefault();
    focusSearch();
  }
});

setUnauthenticatedHandler(() => {
  if (!session) return;
  endSession();
  intended = here();
  renderAll();
});

onNavigate(() => {
  const focusPage = !fromSearchBox;
  fromSearchBox = false;
  renderMain(focusPage);
});

async function start(): Promise<void> {
  // A link written with a hash route (`/#/review`) is taken to the page it names.
  if (location.hash.startsWith('#/')) history.replaceState(null, '', location.hash.slice(1));
  applyLang();
  root.replaceChildren(h('p', { class: 'muted boot' }, t('common.loading')));
  try {
    const me = await api.me();
    session = me;
    setCsrfToken(me.csrf_token);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) {
      root.replaceChildren(h('main', { id: 'main' }, errorBox(error)));
      return;
    }
  }
  renderAll();
}

void start();

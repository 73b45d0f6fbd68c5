// The bar on every screen once logged in: search, who is logged in with which roles, the
// reason for access, the language and logout.

import { h } from '../dom';
import { LANGS, lang, t, type Lang } from '../i18n';
import { getReason, hasReason, REASON_MAX, REASON_MIN, setReason } from '../reason';
import { paths, type Route } from '../router';
import { COOP_ROLES, NETWORK_ROLES, PROTECTION_ROLES, REVIEWER_ROLES, SCREENING_ROLES, type User } from '../types';
import { RESEARCH_ROLES } from '../types_research';
import { roleBadge } from './common';

export interface HeaderActions {
  search(q: string): void;
  reasonChanged(): void;
  setLang(lang: Lang): void;
  logout(): void;
}

export interface Header {
  el: HTMLElement;
  searchInput: HTMLInputElement;
  reasonInput: HTMLInputElement;
  update(route: Route): void;
}

export function languageSelect(onChange: (lang: Lang) => void): HTMLSelectElement {
  const select = h(
    'select',
    { 'data-testid': 'lang', 'aria-label': t('header.language') },
    LANGS.map((code) => h('option', { value: code, selected: code === lang(), lang: code }, t(`lang.${code}`))),
  );
  select.addEventListener('change', () => onChange(select.value as Lang));
  return select;
}

export function renderHeader(user: User, actions: HeaderActions): Header {
  const isAdmin = user.roles.includes('administrator');
  // The node decides; the entry is offered only to roles whose work includes review.
  const isReviewer = REVIEWER_ROLES.some((role) => user.roles.includes(role));
  const isScreener = SCREENING_ROLES.some((role) => user.roles.includes(role));
  const isNetworkAnalyst = NETWORK_ROLES.some((role) => user.roles.includes(role));
  const isCentralAuthority = COOP_ROLES.some((role) => user.roles.includes(role));
  const isProtection = PROTECTION_ROLES.some((role) => user.roles.includes(role));
  const isResearcher = RESEARCH_ROLES.some((role) => user.roles.includes(role));

  const searchInput = h('input', {
    type: 'search',
    name: 'q',
    autocomplete: 'off',
    spellcheck: 'false',
    dir: 'auto',
    'data-testid': 'search-input',
    'aria-label': t('search.label'),
    placeholder: t('search.placeholder'),
    'aria-keyshortcuts': '/',
  });
  const searchForm = h(
    'form',
    { class: 'search-form', role: 'search' },
    searchInput,
    h('button', { type: 'submit', 'data-testid': 'search-submit' }, t('search.button')),
  );
  searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    actions.search(searchInput.value);
  });

  const navSearch = h('a', { href: paths.home(), 'data-testid': 'nav-search' }, t('nav.search'));
  const navReview = isReviewer ? h('a', { href: paths.review(), 'data-testid': 'nav-review' }, t('nav.review')) : null;
  const navUsers = isAdmin ? h('a', { href: paths.users(), 'data-testid': 'nav-users' }, t('nav.users')) : null;
  const navCrossing = isScreener ? h('a', { href: paths.crossing(), 'data-testid': 'nav-crossing' }, t('nav.crossing')) : null;
  const navAlerts = isScreener ? h('a', { href: paths.alerts(), 'data-testid': 'nav-alerts' }, t('nav.alerts')) : null;
  // Risk: the alert queue and profiles for enforcement roles, the referrals for protection.
  const navRisk = isScreener || isProtection ? h('a', { href: paths.risk(), 'data-testid': 'nav-risk' }, t('nav.risk')) : null;
  const navCoop = isCentralAuthority ? h('a', { href: paths.coop(), 'data-testid': 'nav-coop' }, t('nav.coop')) : null;
  const navProtection = isProtection ? h('a', { href: paths.protection(), 'data-testid': 'nav-protection' }, t('nav.protection')) : null;
  const navResearch = isResearcher ? h('a', { href: paths.research(), 'data-testid': 'nav-research' }, t('nav.research')) : null;
  const navNetwork = isNetworkAnalyst ? h('a', { href: paths.network(), 'data-testid': 'nav-network' }, t('nav.network')) : null;

  // The reason is stored when the field is left or Enter is pressed, not on each key: each
  // change reloads the page's data, and each read with a reason is written to the audit log.
  const reasonInput = h('input', {
    type: 'text',
    id: 'reason',
    dir: 'auto',
    autocomplete: 'off',
    maxlength: String(REASON_MAX),
    'data-testid': 'reason-input',
    placeholder: t('reason.placeholder'),
    'aria-describedby': 'reason-status',
  });
  reasonInput.value = getReason();
  const reasonStatus = h('span', { id: 'reason-status', class: 'reason-status', 'data-testid': 'reason-status' });
  const reasonBar = h(
    'div',
    { class: 'reasonbar' },
    h('label', { for: 'reason' }, t('reason.label')),
    reasonInput,
    h(
      'button',
      {
        type: 'button',
        class: 'quiet',
        'data-testid': 'reason-clear',
        onclick: () => {
          reasonInput.value = '';
          commitReason();
          reasonInput.focus();
        },
      },
      t('reason.clear'),
    ),
    reasonStatus,
  );

  const showReasonState = () => {
    const length = [...reasonInput.value.trim()].length;
    reasonBar.classList.toggle('active', hasReason());
    if (length > 0 && length < REASON_MIN) {
      reasonStatus.textContent = t('reason.tooShort', { min: REASON_MIN });
      reasonStatus.className = 'reason-status bad';
    } else if (hasReason()) {
      reasonStatus.textContent = t('reason.active');
      reasonStatus.className = 'reason-status ok';
    } else {
      reasonStatus.textContent = t('reason.none');
      reasonStatus.className = 'reason-status';
    }
  };
  const commitReason = () => {
    const before = getReason();
    setReason(reasonInput.value);
    showReasonState();
    if (getReason() !== before) actions.reasonChanged();
  };
  reasonInput.addEventListener('change', commitReason);
  reasonInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      commitReason();
    }
  });
  showReasonState();

  const userBox = h(
    'div',
    { class: 'user', 'data-testid': 'user' },
    h('span', { class: 'user-name', title: user.username }, h('bdi', { 'data-testid': 'user-name' }, user.display_name || user.username)),
    h('span', { class: 'roles', 'aria-label': t('header.roles') }, user.roles.map(roleBadge)),
  );

  const logout = h('button', { type: 'button', 'data-testid': 'logout', onclick: () => actions.logout() }, t('header.logout'));

  const el = h(
    'header',
    { class: 'topbar', 'data-testid': 'header' },
    h(
      'div',
      { class: 'mainbar' },
      h('a', { href: paths.home(), class: 'brand', 'data-testid': 'brand' }, t('app.name')),
      h('nav', { class: 'nav', 'aria-label': t('nav.label') }, navSearch, navProtection, navCrossing, navAlerts, navRisk, navNetwork, navResearch, navCoop, navReview, navUsers),
      searchForm,
      userBox,
      languageSelect((next) => actions.setLang(next)),
      logout,
    ),
    reasonBar,
  );

  const update = (route: Route) => {
    searchInput.value = route.name === 'search' ? route.q : '';
    navSearch.classList.toggle('current', route.name === 'home' || route.name === 'search');
    navReview?.classList.toggle('current', route.name === 'review' || route.name === 'pair');
    navUsers?.classList.toggle('current', route.name === 'users');
    navCrossing?.classList.toggle('current', route.name === 'crossing');
    navAlerts?.classList.toggle('current', route.name === 'alerts');
    navRisk?.classList.toggle('current', route.name === 'risk' || route.name === 'riskProfile');
    navNetwork?.classList.toggle('current', route.name === 'network');
    navResearch?.classList.toggle('current', route.name === 'research');
    navCoop?.classList.toggle('current', route.name === 'coop' || route.name === 'coopRequest');
    navProtection?.classList.toggle('current', route.name.startsWith('protection'));
    if (reasonInput !== document.activeElement) reasonInput.value = getReason();
    showReasonState();
  };

  return { el, searchInput, reasonInput, update };
}

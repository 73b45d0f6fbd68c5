// The login screen.

import { api } from '../api';
import { h } from '../dom';
import { t, type Lang } from '../i18n';
import type { Session } from '../types';
import { errorBox } from './common';
import { languageSelect } from './header';

export function renderLogin(onLoggedIn: (session: Session) => void, onLang: (lang: Lang) => void): HTMLElement {
  const username = h('input', {
    id: 'username',
    name: 'username',
    autocomplete: 'username',
    dir: 'auto',
    required: true,
    'data-testid': 'login-username',
  });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    'data-testid': 'login-password',
  });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, t('login.submit'));
  const message = h('div', { class: 'form-message', 'aria-live': 'polite' });

  const form = h(
    'form',
    { class: 'login-form', 'data-testid': 'login-form' },
    h('h1', null, t('login.title')),
    h('p', { class: 'muted' }, t('login.intro')),
    h('label', { for: 'username' }, t('login.username')),
    username,
    h('label', { for: 'password' }, t('login.password')),
    password,
    submit,
    message,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    message.replaceChildren();
    try {
      const session = await api.login(username.value.trim(), password.value);
      password.value = '';
      onLoggedIn(session);
    } catch (error) {
      message.replaceChildren(errorBox(error));
      password.select();
    } finally {
      submit.disabled = false;
    }
  });
  queueMicrotask(() => username.focus());

  return h(
    'div',
    { class: 'login-page' },
    h('div', { class: 'login-top' }, h('span', { class: 'brand' }, t('app.name')), languageSelect(onLang)),
    form,
    h('p', { class: 'muted small login-note' }, t('login.note')),
  );
}

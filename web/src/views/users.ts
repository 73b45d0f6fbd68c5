// User administration (administrators only; the node refuses everyone else).

import { api } from '../api';
import { h } from '../dom';
import { formatTime, label, t, tn } from '../i18n';
import { ROLES, type User } from '../types';
import { errorBox, failurePage, loading, tableHead } from './common';
import type { ViewContext } from './context';

export function renderUsers(ctx: ViewContext): HTMLElement {
  const page = h('section', { class: 'page' }, loading());
  const message = h('div', { class: 'form-message', 'aria-live': 'polite', 'data-testid': 'users-message' });
  const say = (node: Node | string) => message.replaceChildren(node);

  const reload = async () => {
    try {
      const users = await api.users();
      if (!ctx.isCurrent()) return;
      users.sort((a, b) => a.username.localeCompare(b.username));
      page.replaceChildren(
        h('h1', { tabindex: '-1' }, t('users.title')),
        message,
        userTable(users, ctx, say, reload),
        createForm(say, reload),
      );
    } catch (error) {
      if (ctx.isCurrent()) page.replaceChildren(failurePage(error, ctx.focusReason));
    }
  };
  void reload();
  return page;
}

function roleBoxes(name: string, checked: string[], onChange: () => void): HTMLElement {
  return h(
    'div',
    { class: 'role-boxes', role: 'group' },
    ROLES.map((role) =>
      h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'checkbox',
          name,
          value: role,
          checked: checked.includes(role),
          'data-role': role,
          onchange: onChange,
        }),
        ' ',
        label('role', role),
      ),
    ),
  );
}

function checkedRoles(box: HTMLElement): string[] {
  return [...box.querySelectorAll<HTMLInputElement>('input[type=checkbox]')].filter((i) => i.checked).map((i) => i.value);
}

function userTable(
  users: User[],
  ctx: ViewContext,
  say: (node: Node | string) => void,
  reload: () => Promise<void>,
): HTMLElement {
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'grid users', 'data-testid': 'users-table' },
      tableHead([
          t('users.username'),
          t('users.displayName'),
          t('users.roles'),
          t('users.status'),
          t('users.createdAt'),
          t('users.actions'),
        ]),
      h(
        'tbody',
        null,
        users.map((user) => {
          const save = h('button', { type: 'button', disabled: true, 'data-testid': 'save-roles' }, t('users.saveRoles'));
          const boxes = roleBoxes(`roles-${user.username}`, user.roles, () => {
            const now = checkedRoles(boxes);
            save.disabled = now.length === 0 || sameSet(now, user.roles);
          });
          save.addEventListener('click', async () => {
            save.disabled = true;
            try {
              await api.updateUser(user.username, { roles: checkedRoles(boxes) });
              await reload();
              say(h('div', { class: 'notice ok', role: 'status' }, tn('users.rolesSaved', { user: h('bdi', null, user.username) })));
            } catch (error) {
              say(errorBox(error));
              save.disabled = false;
            }
          });
          const self = user.username === ctx.session.user.username;
          const toggle = self
            ? null
            : h(
                'button',
                {
                  type: 'button',
                  'data-testid': user.disabled ? 'enable-user' : 'disable-user',
                  onclick: async (event: Event) => {
                    const button = event.currentTarget as HTMLButtonElement;
                    button.disabled = true;
                    try {
                      await api.updateUser(user.username, { disabled: !user.disabled });
                      await reload();
                      say(
                        h(
                          'div',
                          { class: 'notice ok', role: 'status' },
                          tn(user.disabled ? 'users.enabled' : 'users.disabledDone', { user: h('bdi', null, user.username) }),
                        ),
                      );
                    } catch (error) {
                      say(errorBox(error));
                      button.disabled = false;
                    }
                  },
                },
                user.disabled ? t('users.enable') : t('users.disable'),
              );
          return h(
            'tr',
            { 'data-testid': 'user-row', 'data-username': user.username, class: user.disabled ? 'disabled' : null },
            h('td', null, h('bdi', { class: 'mono' }, user.username)),
            h('td', null, h('bdi', null, user.display_name)),
            h('td', null, boxes),
            h('td', { 'data-testid': 'user-status' }, user.disabled ? t('users.isDisabled') : t('users.isActive')),
            h('td', null, h('time', { datetime: user.created_at, dir: 'ltr' }, formatTime(user.created_at))),
            h('td', { class: 'actions' }, save, ' ', toggle),
          );
        }),
      ),
    ),
  );
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function createForm(say: (node: Node | string) => void, reload: () => Promise<void>): HTMLElement {
  const username = h('input', { id: 'new-username', required: true, autocomplete: 'off', dir: 'auto', 'data-testid': 'new-username' });
  const displayName = h('input', { id: 'new-display-name', required: true, autocomplete: 'off', dir: 'auto', 'data-testid': 'new-display-name' });
  const password = h('input', {
    id: 'new-password',
    type: 'password',
    required: true,
    autocomplete: 'new-password',
    'data-testid': 'new-password',
  });
  const roles = roleBoxes('new-roles', [], () => undefined);
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'create-user' }, t('users.create'));
  // Errors in the form are shown beside it, where the user is looking.
  const formMessage = h('div', { class: 'form-message', 'aria-live': 'polite', 'data-testid': 'create-message' });
  const fail = (node: Node) => formMessage.replaceChildren(node);
  const form = h(
    'form',
    { class: 'create-user', 'data-testid': 'create-user-form' },
    h('h2', null, t('users.createTitle')),
    h(
      'div',
      { class: 'form-grid' },
      h('label', { for: 'new-username' }, t('users.username')),
      username,
      h('label', { for: 'new-display-name' }, t('users.displayName')),
      displayName,
      h('label', { for: 'new-password' }, t('users.password')),
      password,
      h('span', { class: 'label' }, t('users.roles')),
      roles,
    ),
    submit,
    formMessage,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = checkedRoles(roles);
    if (chosen.length === 0) {
      fail(h('div', { class: 'notice error', role: 'alert' }, t('users.needRole')));
      return;
    }
    submit.disabled = true;
    try {
      const user = await api.createUser({
        username: username.value.trim(),
        display_name: displayName.value.trim(),
        password: password.value,
        roles: chosen,
      });
      form.reset();
      await reload();
      say(h('div', { class: 'notice ok', role: 'status' }, tn('users.created', { user: h('bdi', null, user.username) })));
    } catch (error) {
      fail(errorBox(error));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

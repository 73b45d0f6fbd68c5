// HTCDS files (Human Trafficking Case Data Standard v2) on the worklist: every registration as
// one file to download, and a file from another system registered as it is — all rows or none,
// the node naming the line and column of anything wrong, and the columns it does not know.

import { download, HTCDS_URL, importHtcds } from '../api';
import { fill, h } from '../dom';
import { t } from '../i18n';
import { paths } from '../router';
import type { HtcdsImport } from '../types_protection';
import { errorBox, saveFile } from './common';
import { draftBadge } from './protection';

/** The HTCDS section of the worklist; `imported` is called after persons were registered. */
export function htcdsPanel(imported: () => void): HTMLElement {
  const exportMessage = h('div', { 'aria-live': 'polite' });
  const exportLink = h('a', { href: HTCDS_URL, download: 'corridor-htcds.csv', class: 'button', 'data-testid': 'htcds-export' }, t('htcds.export'));
  // Fetched with the reason for access, like any read, then handed over as a download.
  exportLink.addEventListener('click', (event) => {
    event.preventDefault();
    download(HTCDS_URL).then(
      (blob) => {
        fill(exportMessage);
        saveFile(blob, 'corridor-htcds.csv');
      },
      (error) => fill(exportMessage, errorBox(error)),
    );
  });

  const file = h('input', { type: 'file', accept: '.csv,text/csv', required: true, 'data-testid': 'htcds-file', 'aria-label': t('htcds.file') });
  const place = h('input', { type: 'text', dir: 'auto', required: true, 'data-testid': 'htcds-place', placeholder: t('reg.placeHint') });
  const submit = h('button', { type: 'submit', 'data-testid': 'htcds-submit' }, t('htcds.import'));
  const result = h('div', { 'aria-live': 'polite', 'data-testid': 'htcds-result' });
  const form = h(
    'form',
    { class: 'htcds-import', 'data-testid': 'htcds-import' },
    h('label', { class: 'field' }, h('span', null, t('htcds.file')), file),
    h('label', { class: 'field' }, h('span', null, t('reg.place')), place),
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen || !place.value.trim()) return;
    submit.disabled = true;
    fill(result);
    importHtcds(chosen, place.value.trim()).then(
      (r) => {
        submit.disabled = false;
        file.value = '';
        fill(result, importResult(r));
        imported();
      },
      (error) => {
        submit.disabled = false;
        fill(result, errorBox(error));
      },
    );
  });

  return h(
    'section',
    { class: 'block htcds', 'data-testid': 'htcds', 'aria-labelledby': 'htcds-h' },
    h('h2', { id: 'htcds-h' }, t('htcds.title')),
    h('p', { class: 'muted small' }, t('htcds.intro')),
    h('div', { class: 'htcds-row' }, h('div', null, exportLink, exportMessage), form),
    result,
  );
}

function importResult(r: HtcdsImport): HTMLElement {
  const drafts = r.persons.filter((p) => p.status === 'draft').length;
  return h(
    'div',
    { class: 'registered', 'data-testid': 'htcds-imported', 'data-count': String(r.persons.length) },
    h('p', null, h('strong', null, t('reg.done', { count: r.persons.length })), drafts > 0 ? [' ', t('reg.doneDrafts', { count: drafts })] : null),
    h(
      'ol',
      null,
      r.persons.map((p) =>
        h(
          'li',
          { 'data-testid': 'htcds-person', 'data-person': p.person_id, 'data-status': p.status },
          h('a', { href: paths.protectionCase(p.person_id) }, h('code', { dir: 'ltr' }, p.registration_number)),
          p.status === 'draft' ? [' ', draftBadge(p.missing), ' ', h('span', { class: 'muted small' }, t('prot.missing', { fields: p.missing.join(', ') }))] : null,
        ),
      ),
    ),
    r.ignored_columns.length > 0
      ? h('p', { class: 'small', 'data-testid': 'htcds-ignored' }, t('htcds.ignored'), ' ', r.ignored_columns.map((c, i) => [i > 0 ? ', ' : '', h('code', { dir: 'ltr' }, c)]))
      : null,
  );
}

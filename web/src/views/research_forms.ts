// What users who may write (analysts, investigators) can add to the research data: a file of
// the Missing Migrants Project or of published detections, imported all or nothing, and an
// incident the node records itself. The node checks both and names the line, column or field
// of anything wrong; its words are shown as they are.

import { ApiError, api, importResearch } from '../api';
import { fill, h } from '../dom';
import { t } from '../i18n';
import type { ImportFormat, IncidentInput, ResearchImport } from '../types_research';
import { errorBox } from './common';
import { CAUSES, causeLabel } from './research_labels';

/** The import form; `done` is called after a file was imported. */
export function importForm(done: () => void): HTMLElement {
  const format = h(
    'select',
    { id: 'import-format', 'data-testid': 'import-format' },
    h('option', { value: 'mmp' }, t('research.import.mmp')),
    h('option', { value: 'detections' }, t('research.import.detections')),
  );
  const file = h('input', { id: 'import-file', type: 'file', accept: '.csv,text/csv', required: true, 'data-testid': 'import-file' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'import-submit' }, t('research.import.button'));
  const result = h('div', { 'aria-live': 'polite', 'data-testid': 'import-result' });
  const form = h(
    'form',
    { class: 'research-form', 'data-testid': 'research-import' },
    h('h3', null, t('research.import.title')),
    h('p', { class: 'small muted' }, t('research.import.intro')),
    h(
      'div',
      { class: 'form-row' },
      h('label', { class: 'field' }, h('span', null, t('research.import.format')), format),
      h('label', { class: 'field' }, h('span', null, t('research.import.file')), file),
      submit,
    ),
    result,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    submit.disabled = true;
    fill(result, h('p', { class: 'muted' }, t('common.loading')));
    importResearch(chosen, format.value as ImportFormat).then(
      (r) => {
        submit.disabled = false;
        file.value = '';
        fill(result, imported(r));
        done();
      },
      (error) => {
        submit.disabled = false;
        fill(result, errorBox(error));
      },
    );
  });
  return form;
}

function imported(r: ResearchImport): HTMLElement {
  return h(
    'div',
    { class: 'notice ok', 'data-testid': 'import-done', 'data-records': String(r.records), 'data-written': String(r.statements_written) },
    h('p', null, h('strong', null, t('research.import.done', { file: r.file, records: r.records }))),
    h(
      'dl',
      { class: 'facts-list' },
      h('dt', null, t('research.import.shape')),
      h('dd', null, h('code', { dir: 'ltr', 'data-testid': 'import-shape' }, r.shape)),
      h('dt', null, t('research.import.written')),
      h('dd', { 'data-testid': 'import-written' }, t('research.import.statements', { written: r.statements_written, present: r.statements_already_present })),
    ),
    r.caveats.length > 0
      ? [h('p', { class: 'small' }, t('research.import.caveats')), h('ul', { class: 'small' }, r.caveats.map((c) => h('li', { 'data-testid': 'import-caveat', dir: 'auto' }, c)))]
      : null,
  );
}

/** The form to record an incident; `done` is called after one was recorded. */
export function incidentForm(routes: { code: string; label: string }[], done: () => void): HTMLElement {
  const date = h('input', { type: 'date', name: 'date', required: true, 'data-testid': 'incident-date' });
  const route = h(
    'select',
    { name: 'route', required: true, 'data-testid': 'incident-route' },
    h('option', { value: '' }, t('research.incident.chooseRoute')),
    routes.map((r) => h('option', { value: r.code }, r.label)),
  );
  const number = (name: string, extra: Record<string, string> = {}) =>
    h('input', { type: 'number', name, min: '0', step: '1', inputmode: 'numeric', class: 'count', 'data-testid': `incident-${name}`, ...extra });
  const dead = number('dead');
  const missing = number('missing');
  const cause = h(
    'select',
    { name: 'causes', 'data-testid': 'incident-cause' },
    h('option', { value: '' }, t('research.incident.noCause')),
    CAUSES.map((c) => h('option', { value: c.value }, causeLabel(c.value))),
  );
  const lat = number('lat', { min: '-90', max: '90', step: 'any', inputmode: 'decimal', class: 'coord' });
  const lon = number('lon', { min: '-180', max: '180', step: 'any', inputmode: 'decimal', class: 'coord' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'incident-submit' }, t('research.incident.button'));
  const result = h('div', { 'aria-live': 'polite', 'data-testid': 'incident-result' });
  const fields = { date, route, dead, missing, causes: cause, lat, lon };
  const field = (label: string, input: HTMLElement) => h('label', { class: 'field' }, h('span', null, label), input);
  const form = h(
    'form',
    { class: 'research-form', 'data-testid': 'incident-form' },
    h('h3', null, t('research.incident.title')),
    h('p', { class: 'small muted' }, t('research.incident.intro')),
    h(
      'div',
      { class: 'form-row' },
      field(t('research.incident.date'), date),
      field(t('research.incident.route'), route),
      field(t('research.incident.dead'), dead),
      field(t('research.incident.missing'), missing),
      field(t('research.incident.cause'), cause),
      field(t('research.incident.lat'), lat),
      field(t('research.incident.lon'), lon),
      submit,
    ),
    result,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    for (const input of Object.values(fields)) input.removeAttribute('aria-invalid');
    const input: IncidentInput = { date: date.value, route: route.value };
    if (dead.value !== '') input.dead = Number(dead.value);
    if (missing.value !== '') input.missing = Number(missing.value);
    if (cause.value) input.causes = [cause.value];
    if (lat.value !== '') input.lat = Number(lat.value);
    if (lon.value !== '') input.lon = Number(lon.value);
    submit.disabled = true;
    fill(result);
    api.recordIncident(input).then(
      (r) => {
        submit.disabled = false;
        fill(result, h('div', { class: 'notice ok' }, t('research.incident.done'), ' ', h('code', { dir: 'ltr', 'data-testid': 'incident-id' }, r.id)));
        done();
      },
      (error) => {
        submit.disabled = false;
        fill(result, errorBox(error));
        // The node names the field first ("date: …", "lat, lon: …"): that field is marked.
        if (error instanceof ApiError) {
          const named = /^([a-z_]+(?:, [a-z_]+)*):/.exec(error.detail)?.[1]?.split(', ') ?? [];
          for (const name of named) fields[name as keyof typeof fields]?.setAttribute('aria-invalid', 'true');
          const first = named.map((n) => fields[n as keyof typeof fields]).find((f) => f !== undefined);
          first?.focus();
        }
      },
    );
  });
  return form;
}

// The editor: a dialog with the common knobs of the running scenario (the seed, each group's count
// and capacities, the subject's client and settings). "Apply" runs the edited scenario through the
// loadScenario command; "Download" saves it as a scenario file. Both check it with the scenario
// parser first: a bad value is explained in the dialog and the current run keeps running.
import { run, type AppContext } from './commands';
import { applyKnobs, checkScenario, readKnobs, scenarioFile, SUBJECT_SETTINGS, type Knobs } from './editor-model';
import { KNOWN_CLIENTS } from '../scenario';
import './dialogs.css';
import { el, titledDialog } from './dom';
import { download } from './export';


/** A labelled text field bound to one knob; `name` lets tests and people find it. */
function field(parent: HTMLElement, label: string, name: string, value: string, placeholder: string, set: (v: string) => void): void {
  const row = el('label', parent);
  row.className = 'editor-field';
  el('span', row, label);
  const input = el('input', row);
  input.name = name;
  input.value = value;
  input.placeholder = placeholder;
  input.addEventListener('input', () => set(input.value));
}

function choice(parent: HTMLElement, label: string, name: string, value: string, options: readonly string[], set: (v: string) => void): void {
  const row = el('label', parent);
  row.className = 'editor-field';
  el('span', row, label);
  const select = el('select', row);
  select.name = name;
  for (const option of ['', ...options]) {
    const o = el('option', select, option === '' ? '(default)' : option);
    o.value = option;
  }
  select.value = value;
  select.addEventListener('change', () => set(select.value));
}

function form(host: HTMLElement, knobs: Knobs): void {
  host.replaceChildren();
  const general = el('fieldset', host);
  el('legend', general, 'Run');
  field(general, 'seed', 'seed', knobs.seed, '0 to 4294967295', (v) => void (knobs.seed = v));
  const peers = el('fieldset', host);
  el('legend', peers, 'Peers');
  for (const group of knobs.groups) {
    const box = el('div', peers);
    box.className = 'editor-group';
    el('strong', box, group.name);
    if (group.count !== null) field(box, 'count', `peers.${group.index}.count`, group.count, 'peers', (v) => void (group.count = v));
    field(box, 'upload', `peers.${group.index}.upload`, group.upload, 'default, or e.g. "1 MB/s"', (v) => void (group.upload = v));
    field(box, 'download', `peers.${group.index}.download`, group.download, 'unlimited', (v) => void (group.download = v));
  }
  const subject = knobs.subject;
  if (subject === null) return;
  const box = el('fieldset', host);
  el('legend', box, `Subject (${subject.name})`);
  choice(box, 'client', 'subject.client', subject.client, KNOWN_CLIENTS, (v) => void (subject.client = v));
  for (const key of SUBJECT_SETTINGS) {
    const name = `subject.settings.${key}`;
    if (key === 'superSeeding') choice(box, key, name, subject.settings[key], ['true', 'false'], (v) => void (subject.settings[key] = v));
    else field(box, key, name, subject.settings[key], 'client default', (v) => void (subject.settings[key] = v));
  }
}

export function mountEditor(headerTools: HTMLElement, ctx: AppContext): void {
  const open = el('button', headerTools, 'Edit…');
  open.type = 'button';
  open.id = 'editor-open';
  open.title = 'Edit the scenario: peer counts, capacities, the subject’s settings, the seed';

  const { dialog } = titledDialog('editor', 'editor-heading', 'Edit the scenario');
  // Keys typed in the dialog are for the dialog (Space presses its buttons), not the app's shortcuts.
  dialog.addEventListener('keydown', (event) => event.stopPropagation());
  const fields = el('div', dialog);
  fields.id = 'editor-fields';
  const error = el('pre', dialog);
  error.id = 'editor-error';
  error.setAttribute('role', 'alert');
  error.hidden = true;
  const actions = el('div', dialog);
  actions.className = 'editor-actions';
  const apply = el('button', actions, 'Apply');
  apply.id = 'editor-apply';
  const save = el('button', actions, 'Download');
  save.id = 'editor-download';
  const close = el('button', actions, 'Close');
  close.id = 'editor-close';

  let source: unknown = null;
  let knobs: Knobs | null = null;
  const edited = (): unknown => (knobs === null ? source : applyKnobs(source, knobs));
  const report = (message: string | null): void => {
    error.textContent = message ?? '';
    error.hidden = message === null;
  };

  open.addEventListener('click', () => {
    // Always from the run on screen: a scenario loaded since the last edit starts a fresh form.
    source = ctx.session.scenarioJson;
    knobs = readKnobs(source);
    form(fields, knobs);
    report(null);
    dialog.showModal();
  });
  apply.addEventListener('click', () => {
    const json = edited();
    const checked = checkScenario(json);
    report(checked.ok ? null : checked.error);
    if (!checked.ok) return;
    run(ctx, 'loadScenario', { json, id: null });
    dialog.close();
  });
  save.addEventListener('click', () => {
    const file = scenarioFile(edited(), new URL('scenario.schema.json', document.baseURI).href);
    report(file.ok ? null : file.error);
    if (file.ok) download(new Blob([file.text], { type: 'application/json' }), file.name);
  });
  close.addEventListener('click', () => dialog.close());
}

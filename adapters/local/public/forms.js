// Forms from src/core/reply.ts as real <form>s: every field has a label, hints and errors
// are tied to the field with aria-describedby, and our own Dutch messages replace the
// browser's validation. Sending is the page's job: a valid form goes to
// `context.onSubmitForm({ form, values, submitButton, markDone })`.

import { el, hidden, nextId } from './dom.js';
import { renderRichText } from './richtext.js';
import { t } from './texts.js';

const T = {
  get choose() { return t('choose'); },
  get optional() { return t('optional'); },
  get errorPrefix() { return t('errorPrefix'); },
  get submitted() { return t('submitted'); },
  get required() { return t('required'); },
  get requiredSelect() { return t('requiredSelect'); },
  get requiredMulti() { return t('requiredMulti'); },
  get requiredCheckbox() { return t('requiredCheckbox'); },
  minLength: (n) => t('minLength', n),
  maxLength: (n) => t('maxLength', n),
};

/** The field of a form that says a report is anonymous: without it ticked, the open web chat asks a name. */
const ANONYMOUS_FIELD = 'anoniem';
const MAX_NAME_LENGTH = 100;

/**
 * `context.resubmitted` carries what the user just sent, so a form that comes back with
 * errors keeps the typed values even when the core sends no `initial`.
 */
export function renderForm(form, context) {
  if (!form || !Array.isArray(form.fields)) return null;
  const key = nextId('form');
  const formEl = el('form', 'bot-form');
  formEl.noValidate = true; // our own Dutch messages, shown next to the field
  const titleId = `${key}-title`;
  formEl.setAttribute('aria-labelledby', titleId);

  const title = el('h4', 'bot-form__title');
  title.id = titleId;
  title.textContent = String(form.title ?? '');
  formEl.append(title);
  if (Array.isArray(form.intro)) formEl.append(renderRichText(form.intro));

  const carried = context.resubmitted?.formId === form.id ? context.resubmitted.values : {};
  const errors = form.errors && typeof form.errors === 'object' ? form.errors : {};
  const fields = form.fields.map((field, i) => {
    const initial = field.initial !== undefined ? field.initial : carried[field.id];
    const f = createField(field, `${key}-f${i}`, initial);
    if (typeof errors[field.id] === 'string') f.setError(errors[field.id]);
    formEl.append(f.wrap);
    return f;
  });

  // A named report needs a name: the open web chat has no sign-in to tell it, so it asks
  // once (typed here, remembered for the session, filled in next time).
  const knownName = typeof context.name === 'function' ? context.name() : null;
  const anonymousField = fields.find((f) => f.id === ANONYMOUS_FIELD && f.kind === 'checkbox');
  const nameField = anonymousField && knownName !== null
    ? createField({ id: 'webchat-name', kind: 'text', label: t('nameLabel'), hint: t('nameHint'), maxLength: MAX_NAME_LENGTH }, `${key}-name`, knownName)
    : null;
  if (nameField) {
    const validate = nameField.validate;
    nameField.validate = () => (!anonymousField.read() && nameField.read().trim() === '' ? t('nameRequired') : validate());
    anonymousField.wrap.before(nameField.wrap);
  }

  const submit = el('button', 'button button--primary');
  submit.type = 'submit';
  submit.textContent = String(form.submitLabel ?? '');
  const footer = el('div', 'bot-form__footer');
  footer.append(submit);
  formEl.append(footer);

  formEl.addEventListener('submit', (event) => {
    event.preventDefault();
    submitForm(formEl, form, fields, submit, context, nameField, anonymousField);
  });
  return formEl;
}

function submitForm(formEl, form, fields, submit, context, nameField, anonymousField) {
  if (context.isBusy() || formEl.classList.contains('bot-form--done')) return;
  let firstInvalid = null;
  for (const f of nameField ? [nameField, ...fields] : fields) {
    const message = f.validate();
    f.setError(message);
    if (message && !firstInvalid) firstInvalid = f;
  }
  if (firstInvalid) {
    firstInvalid.focusTarget.focus();
    return;
  }
  const values = Object.fromEntries(fields.map((f) => [f.id, f.read()]));
  const name = nameField && !anonymousField.read() ? nameField.read().trim() : '';
  void context.onSubmitForm({ form, values, submitButton: submit, markDone: () => disableForm(formEl), source: context.source, ...(name ? { name } : {}) });
}

function disableForm(formEl) {
  formEl.classList.add('bot-form--done');
  for (const control of formEl.elements) control.disabled = true;
  // The title names the form landmark: mark it so an old form and its successor differ.
  const state = el('span', 'bot-form__state');
  state.textContent = ` (${T.submitted})`;
  formEl.querySelector('.bot-form__title')?.append(state);
}

function createField(field, fid, initial) {
  const kind = field.kind;
  const wrap = el(kind === 'multiselect' ? 'fieldset' : 'div', `field field--${kind}`);
  const described = [];
  let controls = [];
  let read;

  const labelText = String(field.label ?? '');
  const optionalMark = !field.required && kind !== 'checkbox' ? ` ${T.optional}` : '';

  const hintEl = field.hint ? el('p', 'field__hint') : null;
  if (hintEl) {
    hintEl.id = `${fid}-hint`;
    hintEl.textContent = String(field.hint);
    described.push(hintEl.id);
  }
  const errorEl = el('p', 'field__error');
  errorEl.id = `${fid}-error`;
  errorEl.hidden = true;

  if (kind === 'multiselect') {
    const legend = el('legend', 'field__label');
    legend.textContent = labelText + optionalMark;
    wrap.append(legend);
    if (hintEl) wrap.append(hintEl);
    wrap.append(errorEl);
    const chosen = new Set(Array.isArray(initial) ? initial.map(String) : []);
    const list = el('div', 'field__options');
    (field.options ?? []).forEach((opt, i) => {
      const { row, box } = checkboxRow(`${fid}-o${i}`, field.id, String(opt.label ?? opt.value), chosen.has(String(opt.value)));
      box.value = String(opt.value ?? '');
      list.append(row);
      controls.push(box);
    });
    wrap.append(list);
    read = () => controls.filter((c) => c.checked).map((c) => c.value);
  } else if (kind === 'checkbox') {
    const { row, box } = checkboxRow(fid, field.id, labelText, initial === true);
    if (field.required) box.required = true;
    if (hintEl) wrap.append(hintEl);
    wrap.append(errorEl, row);
    controls = [box];
    read = () => box.checked;
  } else {
    const label = el('label', 'field__label');
    label.htmlFor = fid;
    label.textContent = labelText + optionalMark;
    let control;
    if (kind === 'select') {
      control = el('select', 'field__control');
      const value = typeof initial === 'string' ? initial : '';
      if (!field.required || value === '') control.append(new Option(T.choose, ''));
      for (const opt of field.options ?? []) {
        control.append(new Option(String(opt.label ?? opt.value), String(opt.value ?? '')));
      }
      control.value = value;
      if (control.selectedIndex < 0) control.selectedIndex = 0;
    } else {
      control = el(kind === 'longtext' ? 'textarea' : 'input', 'field__control');
      if (kind === 'longtext') control.rows = 5;
      else control.type = 'text';
      if (Number.isInteger(field.maxLength)) control.maxLength = field.maxLength;
      if (Number.isInteger(field.minLength)) control.minLength = field.minLength;
      if (field.placeholder) control.placeholder = String(field.placeholder);
      if (typeof initial === 'string') control.value = initial;
    }
    control.id = fid;
    control.name = String(field.id);
    if (field.required) control.required = true;
    wrap.append(label);
    if (hintEl) wrap.append(hintEl);
    wrap.append(errorEl, control);
    controls = [control];
    read = () => control.value;
  }

  const describedTarget = kind === 'multiselect' ? wrap : controls[0];
  const setDescribedBy = (withError) => {
    const ids = withError ? [...described, errorEl.id] : described;
    if (describedTarget && ids.length > 0) describedTarget.setAttribute('aria-describedby', ids.join(' '));
    else describedTarget?.removeAttribute('aria-describedby');
  };
  setDescribedBy(false);

  const setError = (message) => {
    const has = typeof message === 'string' && message !== '';
    errorEl.replaceChildren();
    if (has) errorEl.append(hidden(`${T.errorPrefix} `), document.createTextNode(message));
    errorEl.hidden = !has;
    wrap.classList.toggle('field--invalid', has);
    for (const c of controls) {
      if (has) c.setAttribute('aria-invalid', 'true');
      else c.removeAttribute('aria-invalid');
    }
    setDescribedBy(has);
  };

  const validate = () => {
    const value = read();
    if (kind === 'multiselect') return field.required && value.length === 0 ? T.requiredMulti : null;
    if (kind === 'checkbox') return field.required && !value ? T.requiredCheckbox : null;
    if (kind === 'select') return field.required && value === '' ? T.requiredSelect : null;
    const length = value.trim().length;
    if (field.required && length === 0) return T.required;
    if (length > 0 && Number.isInteger(field.minLength) && length < field.minLength) return T.minLength(field.minLength);
    if (Number.isInteger(field.maxLength) && value.length > field.maxLength) return T.maxLength(field.maxLength);
    return null;
  };

  return { id: String(field.id), kind, wrap, read, validate, setError, focusTarget: controls[0] ?? wrap };
}

function checkboxRow(id, name, labelText, checked) {
  const row = el('div', 'check');
  const box = el('input', 'check__input');
  box.type = 'checkbox';
  box.id = id;
  box.name = String(name);
  box.checked = checked;
  const label = el('label', 'check__label');
  label.htmlFor = id;
  label.textContent = labelText;
  row.append(box, label);
  return { row, box };
}

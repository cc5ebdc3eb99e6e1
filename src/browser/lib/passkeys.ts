// Passkeys on the account page: add one with a name, rename in place (an inline form),
// remove after a confirmation that warns before the last one.
import { api, byId, message } from '../common.js';
import { refreshAccount } from './account.js';
import { confirmInline } from './confirm.js';
import { groupById, showFeedback } from './feedback.js';
import { passkeyName, registerPasskey } from './webauthn.js';

const path = (id: string) => `/v1/passkeys/${encodeURIComponent(id)}`;

export async function addPasskey(): Promise<void> {
  const name = passkeyName(byId<HTMLInputElement>('passkey-add-name'));
  await registerPasskey(name);
  await refreshAccount();
  showFeedback(groupById('passkeys'), 'success', message('citizen.passkeys.addDone', { name }));
}

export async function removePasskey(item: HTMLElement): Promise<void> {
  const id = item.dataset.passkeyId ?? '';
  const name = item.dataset.name ?? '';
  const last = item.parentElement?.dataset.count === '1';
  const confirmed = await confirmInline(item, {
    text: message('citizen.passkeys.removeConfirm', { name }),
    ...(last ? { warning: message('citizen.passkeys.removeLast') } : {}),
    confirmLabel: message('citizen.passkeys.removeYes'),
  });
  if (!confirmed) return;
  await api('DELETE', path(id));
  await refreshAccount();
  showFeedback(groupById('passkeys'), 'success', message('citizen.passkeys.removed', { name }));
}

/** Replaces the item's name by a small form; Save renames, Cancel (or Escape) puts it back. */
export function startRename(item: HTMLElement, onSave: (form: HTMLFormElement) => void): void {
  if (item.querySelector('form.rename')) return;
  const form = document.createElement('form');
  form.className = 'rename';
  const label = document.createElement('label');
  const inputId = `rename-${item.dataset.passkeyId}`;
  label.htmlFor = inputId;
  label.textContent = message('citizen.passkeys.renameLabel');
  const input = document.createElement('input');
  input.id = inputId;
  input.name = 'name';
  input.maxLength = 64;
  input.required = true;
  input.autocomplete = 'off';
  input.value = item.dataset.name ?? '';
  const save = document.createElement('button');
  save.type = 'submit';
  save.textContent = message('citizen.passkeys.save');
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'secondary';
  cancel.textContent = message('common.cancel');
  form.append(label, input, save, cancel);
  const close = () => {
    form.remove();
    item.querySelector<HTMLElement>('[data-action="passkey-rename"]')?.focus();
  };
  cancel.addEventListener('click', close);
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onSave(form);
  });
  item.append(form);
  input.focus();
  input.select();
}

export async function savePasskeyName(item: HTMLElement, form: HTMLFormElement): Promise<void> {
  const input = form.querySelector('input');
  const name = passkeyName(input);
  await api('PATCH', path(item.dataset.passkeyId ?? ''), { name });
  await refreshAccount();
  showFeedback(groupById('passkeys'), 'success', message('citizen.passkeys.renamed', { name }));
}

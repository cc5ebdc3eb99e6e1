// Actions on a linked account: renew its attestation (offered only inside the renewal
// window) and unlink it after a confirmation.
import { api, formatDate, message } from '../common.js';
import { refreshAccount } from './account.js';
import { confirmInline } from './confirm.js';
import { groupById, showFeedback } from './feedback.js';

const path = (item: HTMLElement) => `/v1/wallets/${encodeURIComponent(item.dataset.bindingId ?? '')}`;

export async function renewBinding(item: HTMLElement): Promise<void> {
  const { attestation } = await api<{ attestation: { expiresAt: string } }>('POST', `${path(item)}/renew`);
  await refreshAccount();
  showFeedback(
    groupById('bindings'),
    'success',
    message('citizen.bindings.renewed', { date: formatDate(attestation.expiresAt) }),
  );
}

export async function unlinkBinding(item: HTMLElement): Promise<void> {
  const confirmed = await confirmInline(item, {
    text: message('citizen.bindings.unlinkConfirm', { account: item.dataset.account ?? '' }),
    confirmLabel: message('citizen.bindings.unlinkYes'),
  });
  if (!confirmed) return;
  await api('DELETE', path(item));
  await refreshAccount();
  showFeedback(groupById('bindings'), 'success', message('citizen.bindings.unlinked'));
}

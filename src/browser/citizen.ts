// The citizen's pages: sign-in, passkey registration, the account page (passkeys, linked
// accounts, linking an account) and NCALayer signing. This entry only wires controls to
// the modules in lib/, through one delegated listener: the account page's sections are
// re-rendered after each change.
import { api, byId, message } from './common.js';
import { renewBinding, unlinkBinding } from './lib/bindings.js';
import { groupOf, guarded, showFeedback } from './lib/feedback.js';
import { copyMessage, prepareManualLink, submitSignature, submitTransaction } from './lib/manualLink.js';
import { verifyWithNcaLayer } from './lib/ncalayerIdentity.js';
import { addPasskey, removePasskey, savePasskeyName, startRename } from './lib/passkeys.js';
import { discoverStandardWallets, linkBrowserWallet, linkSolanaWallet, linkTronLink } from './lib/wallets.js';
import { passkeyName, registerPasskey, signInWithPasskey } from './lib/webauthn.js';

/** Goes to the next page once the success is said where the action was. */
function proceed(button: HTMLElement, key: string, to: string): void {
  showFeedback(groupOf(button), 'success', message(key));
  location.assign(to);
}

const ITEM_ACTIONS: Record<string, (item: HTMLElement, button: HTMLElement) => Promise<void>> = {
  'passkey-rename': async (item) =>
    startRename(item, (form) => {
      const save = form.querySelector<HTMLElement>('button[type="submit"]');
      if (save) void guarded(save, () => savePasskeyName(item, form))();
    }),
  'passkey-remove': (item) => removePasskey(item),
  'binding-renew': (item) => renewBinding(item),
  'binding-unlink': (item) => unlinkBinding(item),
};

const BUTTON_ACTIONS: Record<string, (button: HTMLElement) => Promise<void>> = {
  'passkey-sign-in': async (button) => {
    await signInWithPasskey();
    proceed(button, 'citizen.home.signedIn', '/account');
  },
  'passkey-register': async (button) => {
    await registerPasskey(passkeyName(byId<HTMLInputElement>('passkey-name')));
    proceed(button, 'citizen.enroll.done', '/account');
  },
  'ncalayer-sign': verifyWithNcaLayer,
  'passkey-add': addPasskey,
  'sign-out': async () => {
    await api('POST', '/v1/session/logout');
    location.assign('/');
  },
  'link-wallet': linkBrowserWallet,
  'link-solana': linkSolanaWallet,
  'link-tron': linkTronLink,
  'link-challenge': prepareManualLink,
  'link-copy': copyMessage,
  'link-submit-signature': submitSignature,
  'link-submit-tx': submitTransaction,
};

// One listener for the whole page: sections re-rendered after a change keep working.
document.addEventListener('click', (event) => {
  const button = (event.target as Element | null)?.closest<HTMLElement>('button[id], [data-action]');
  if (!button) return;
  const byButton = BUTTON_ACTIONS[button.id];
  if (byButton) {
    void guarded(button, () => byButton(button))();
    return;
  }
  const byItem = ITEM_ACTIONS[button.dataset.action ?? ''];
  const item = button.closest<HTMLElement>('li');
  // Item actions ask first (or open a form): no progress note while the citizen decides.
  if (byItem && item) void guarded(button, () => byItem(item, button), { progress: false })();
});

discoverStandardWallets();

// Linking by hand: the citizen types an address (the page finds its chain, asking when
// several fit), gets the message, signs it in any wallet and pastes the signature, or
// sends a proveControl transaction where the chain supports on-chain proof. The message
// is shown and copied exactly as issued. A failed attempt used the challenge up, so a
// fresh one replaces it at once.
import { byId, formatDate, message, PageError } from '../common.js';
import { acceptedChains, namespacesOf, networkName } from './accounts.js';
import { type Challenge, challengeFor, submitProof } from './challenge.js';
import { humanText, refusal } from './errors.js';
import { groupById, showFeedback } from './feedback.js';

let pending: Challenge | undefined;

const input = (id: string) => byId<HTMLInputElement>(id)?.value.trim() ?? '';

// A CAIP-10 account as typed, or a plain address on the one accepted chain it fits; when
// it fits several, the citizen picks the chain.
async function accountFromInput(text: string): Promise<string> {
  if (!text) throw refusal('citizen.link.accountMissing');
  if (text.split(':').length === 3) return text;
  const namespaces = namespacesOf(text);
  const candidates = (await acceptedChains()).filter((id) => namespaces.includes(id.split(':')[0] ?? ''));
  if (candidates.length === 0) throw refusal('citizen.link.notAccepted');
  if (candidates.length === 1) return `${candidates[0]}:${text}`;
  const picker = byId<HTMLSelectElement>('link-chain');
  const field = byId('link-chain-field');
  if (!picker || !field) throw refusal('citizen.link.notAccepted');
  if (!field.hidden && candidates.includes(picker.value)) return `${picker.value}:${text}`;
  picker.replaceChildren(
    ...candidates.map((id) => {
      const option = document.createElement('option');
      option.value = id;
      option.textContent = `${networkName(id.split(':')[0] ?? '')} (${id})`;
      return option;
    }),
  );
  field.hidden = false;
  picker.focus();
  throw refusal('citizen.link.severalChains');
}

function show(challenge: Challenge): void {
  pending = challenge;
  const set = (id: string, text: string) => {
    const element = byId(id);
    if (element) element.textContent = text;
  };
  set('link-message', challenge.message);
  set(
    'link-digest',
    message(challenge.onchain ? 'citizen.link.digestOnchain' : 'citizen.link.digest', {
      digest: challenge.challengeHash,
    }),
  );
  set('link-expires', message('citizen.link.expires', { time: formatDate(challenge.expiresAt, true) }));
  const signStep = byId('link-sign-step');
  if (signStep) signStep.hidden = false;
  const onchain = byId('link-onchain');
  if (onchain) onchain.hidden = !challenge.onchain;
  if (challenge.onchain)
    set(
      'link-registry',
      message('citizen.link.registry', {
        registry: challenge.onchain.registry,
        chain: String(challenge.onchain.chainId),
        confirmations: challenge.onchain.confirmations,
      }),
    );
  for (const id of ['link-signature', 'link-tx']) {
    const field = byId<HTMLInputElement>(id);
    if (field) field.value = '';
  }
}

export async function prepareManualLink(): Promise<void> {
  show(await challengeFor(await accountFromInput(input('link-account'))));
  byId('link-message')?.focus();
}

/** Submits the proof; on a refusal, shows a fresh challenge for the same account and says so. */
async function submitManual(kind: 'signature' | 'transaction'): Promise<void> {
  const challenge = pending;
  if (!challenge) throw refusal('citizen.link.messageMissing');
  const proof = input(kind === 'signature' ? 'link-signature' : 'link-tx');
  if (!proof)
    throw refusal(kind === 'signature' ? 'citizen.link.signatureMissing' : 'citizen.link.txMissing');
  const hideSteps = () => {
    for (const id of ['link-sign-step', 'link-onchain']) {
      const step = byId(id);
      if (step) step.hidden = true;
    }
  };
  try {
    await submitProof({
      path: kind === 'signature' ? '/v1/wallets/verify' : '/v1/wallets/onchain-proof',
      body:
        kind === 'signature'
          ? { message: challenge.message, signature: proof }
          : { account: challenge.account, txHash: proof },
      account: challenge.account,
      // The steps close on success: the outcome is told where the next link starts.
      feedbackId: 'link-challenge',
    });
    pending = undefined;
    hideSteps();
  } catch (error) {
    try {
      show(await challengeFor(challenge.account));
    } catch {
      pending = undefined;
      hideSteps();
      throw error;
    }
    throw new PageError(`${humanText(error)} ${message('citizen.link.fresh')}`);
  }
}

export const submitSignature = () => submitManual('signature');
export const submitTransaction = () => submitManual('transaction');

export async function copyMessage(): Promise<void> {
  const text = byId('link-message')?.textContent ?? '';
  await navigator.clipboard.writeText(text);
  showFeedback(groupById('link-copy'), 'success', message('common.copied'));
}

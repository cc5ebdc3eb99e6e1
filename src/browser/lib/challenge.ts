// The two steps every link takes: a challenge for the account (after a passkey step-up
// when the last one is not recent), and the outcome told as it is: linked, already
// linked, or already linked but suspended by a regulator (which the API refuses).
import { api, message, PageError } from '../common.js';
import { refreshAccount } from './account.js';
import { refusal } from './errors.js';
import { groupById, showFeedback } from './feedback.js';
import { signInWithPasskey } from './webauthn.js';

export interface Challenge {
  account: string;
  message: string;
  challengeHash: string;
  expiresAt: string;
  /** Present only where the chain accepts an on-chain proof (a registry is configured). */
  onchain?: { registry: string; chainId: number; confirmations: number };
}

interface LinkResult {
  binding: { account: string };
}

export async function challengeFor(account: string): Promise<Challenge> {
  try {
    return await api<Challenge>('POST', '/v1/wallets/challenge', { account });
  } catch (error) {
    if (!(error instanceof PageError) || !error.stepUp) throw error;
    await signInWithPasskey();
    return api<Challenge>('POST', '/v1/wallets/challenge', { account });
  }
}

function isListed(account: string): boolean {
  return [...document.querySelectorAll<HTMLElement>('#bindings li')].some(
    (item) => item.dataset.account === account,
  );
}

/** A link refused because the account is already the citizen's and a regulator suspended it. */
function isSuspendedOwnLink(error: unknown): boolean {
  return (
    error instanceof PageError &&
    !!error.problem?.type.endsWith('/binding-not-active') &&
    error.problem.bindingStatus === 'suspended'
  );
}

/** Sends the proof for `account`, re-renders the lists and tells the outcome next to `feedbackId`. */
export async function submitProof(p: { path: string; body: unknown; account: string; feedbackId: string }) {
  const existing = isListed(p.account);
  let binding: LinkResult['binding'];
  try {
    ({ binding } = await api<LinkResult>('POST', p.path, p.body));
  } catch (error) {
    if (!isSuspendedOwnLink(error)) throw error;
    await refreshAccount();
    throw refusal('citizen.link.existingSuspended', { account: p.account });
  }
  await refreshAccount();
  const group = groupById(p.feedbackId);
  if (existing)
    showFeedback(group, 'success', message('citizen.link.existing', { account: binding.account }));
  else showFeedback(group, 'success', message('citizen.link.linked', { account: binding.account }));
}

// The citizen's pages: sign-in, passkey registration, the account page (passkeys, linked
// accounts, linking a wallet by signature or on-chain proof) and NCALayer signing.
import {
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  startAuthentication,
  startRegistration,
} from '@simplewebauthn/browser';
import { api, byId, PageError } from './common.js';
import { acceptedChains, namespacesOf, signInInputOf, toBase64, toHex } from './lib/accounts.js';
import { ncalayerSign } from './lib/ncalayer.js';

interface Passkey {
  id: string;
  name: string;
  lastUsedAt?: string;
}
interface Binding {
  id: string;
  account: string;
  status: string;
  method: string;
  attestation?: { state: string; eip712?: unknown };
}
interface Me {
  identity: {
    givenName?: string;
    familyName?: string;
    nationalIdHint: string;
    verifiedAt: string;
    source: string;
    level: string;
  };
  passkeys: Passkey[];
  bindings: Binding[];
}
interface Challenge {
  account: string;
  message: string;
  challengeHash: string;
  expiresAt: string;
  onchain?: { registry: string; chainId: number; confirmations: number };
}
interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}
interface TronWeb {
  defaultAddress: { base58: string };
  trx: { signMessageV2(message: string): Promise<string> };
}
// Wallet Standard wallets: only the features used here, loosely typed (each wallet
// brings its own implementation).
interface StandardWallet {
  // biome-ignore lint/suspicious/noExplicitAny: features are defined by each wallet
  features: Record<string, any>;
}
declare global {
  interface Window {
    ethereum?: Eip1193;
    tronWeb?: TronWeb;
    tronLink?: { tronWeb?: TronWeb; request?: (args: { method: string }) => Promise<unknown> };
  }
}

const say = (text: string) => {
  const status = byId('status');
  if (status) status.textContent = text;
};

async function registerPasskey(name: string) {
  const optionsJSON = await api<PublicKeyCredentialCreationOptionsJSON>(
    'POST',
    '/v1/webauthn/registration/options',
  );
  const response = await startRegistration({ optionsJSON });
  const query = name ? `?name=${encodeURIComponent(name)}` : '';
  return api('POST', `/v1/webauthn/registration/verify${query}`, response);
}

async function signIn() {
  const optionsJSON = await api<PublicKeyCredentialRequestOptionsJSON>(
    'POST',
    '/v1/webauthn/authentication/options',
  );
  const response = await startAuthentication({ optionsJSON });
  return api('POST', '/v1/webauthn/authentication/verify', response);
}

function guard(action: () => Promise<unknown>) {
  return async () => {
    try {
      say('Working…');
      await action();
    } catch (error) {
      say(error instanceof Error ? error.message : String(error));
    }
  };
}

function button(text: string, onClick: () => Promise<unknown>): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = text;
  element.addEventListener('click', guard(onClick));
  return element;
}

async function renderAccount() {
  const me = await api<Me>('GET', '/v1/me');
  const who = [me.identity.givenName, me.identity.familyName].filter(Boolean).join(' ');
  const identity = byId('identity')!;
  identity.textContent = '';
  for (const line of [
    who,
    `National ID ${me.identity.nationalIdHint}`,
    `Verified ${me.identity.verifiedAt} (${me.identity.source}, ${me.identity.level})`,
  ]) {
    const p = document.createElement('p');
    p.textContent = line;
    identity.append(p);
  }
  const list = byId('passkeys')!;
  list.textContent = '';
  for (const passkey of me.passkeys) {
    const item = document.createElement('li');
    item.dataset.passkeyId = passkey.id;
    const label = document.createElement('span');
    label.textContent = passkey.name + (passkey.lastUsedAt ? ` — last used ${passkey.lastUsedAt}` : '');
    const rename = button('Rename', async () => {
      const name = prompt('New name', passkey.name);
      if (name) {
        await api('PATCH', `/v1/passkeys/${encodeURIComponent(passkey.id)}`, { name });
        await renderAccount();
        say('Renamed.');
      }
    });
    const remove = button('Remove', async () => {
      await api('DELETE', `/v1/passkeys/${encodeURIComponent(passkey.id)}`);
      await renderAccount();
      say('Removed.');
    });
    item.append(label, rename, remove);
    list.append(item);
  }
  renderBindings(me.bindings);
  say('');
}

function renderBindings(bindings: Binding[]) {
  const list = byId('bindings');
  if (!list) return;
  list.textContent = '';
  for (const binding of bindings) {
    const item = document.createElement('li');
    item.dataset.bindingId = binding.id;
    const state = binding.attestation ? binding.attestation.state : binding.status;
    const label = document.createElement('span');
    label.textContent = `${binding.account} — ${state} (${binding.method})`;
    item.append(label);
    if (binding.attestation) {
      const forms = binding.attestation.eip712
        ? [
            ['jwt', 'JWT'],
            ['eip712', 'EIP-712'],
          ]
        : [['jwt', 'JWT']];
      for (const [format, text] of forms) {
        const link = document.createElement('a');
        link.href = `/v1/wallets/${encodeURIComponent(binding.id)}/attestation?format=${format}`;
        link.textContent = text ?? '';
        link.className = 'button';
        item.append(link);
      }
    }
    if (binding.status === 'active') {
      const renew = button('Renew', async () => {
        await api('POST', `/v1/wallets/${encodeURIComponent(binding.id)}/renew`);
        await renderAccount();
        say('Renewed.');
      });
      const unlink = button('Unlink', async () => {
        if (!confirm(`Unlink ${binding.account}? Its attestations are revoked.`)) return;
        await api('DELETE', `/v1/wallets/${encodeURIComponent(binding.id)}`);
        await renderAccount();
        say('Unlinked.');
      });
      item.append(renew, unlink);
    }
    list.append(item);
  }
}

// Linking needs a passkey assertion from the last minutes: on step-up-required, confirm
// with the passkey and ask again.
let pending: Challenge | undefined;
async function challengeFor(account: string): Promise<Challenge> {
  try {
    return await api<Challenge>('POST', '/v1/wallets/challenge', { account });
  } catch (error) {
    if (!(error instanceof PageError) || !error.stepUp) throw error;
    await signIn();
    return api<Challenge>('POST', '/v1/wallets/challenge', { account });
  }
}

async function linkBrowserWallet() {
  const wallet = window.ethereum;
  if (!wallet) throw new Error('No browser wallet found: use "Another wallet" below');
  const [address] = (await wallet.request({ method: 'eth_requestAccounts' })) as string[];
  const chainId = Number.parseInt(String(await wallet.request({ method: 'eth_chainId' })), 16);
  const challenge = await challengeFor(`eip155:${chainId}:${address}`);
  const signature = await wallet.request({
    method: 'personal_sign',
    params: [toHex(challenge.message), address],
  });
  await api('POST', '/v1/wallets/verify', { message: challenge.message, signature });
  await renderAccount();
  say(`Linked ${challenge.account}.`);
}

// A CAIP-10 account as typed, or a plain address on the one accepted chain it fits; when
// it fits several, the citizen picks the chain.
async function accountFromInput(text: string): Promise<string> {
  if (text.split(':').length === 3) return text;
  const namespaces = namespacesOf(text);
  const candidates = (await acceptedChains()).filter((id) => namespaces.includes(id.split(':')[0] ?? ''));
  if (candidates.length === 0) throw new Error('This is not an address on a chain accepted here');
  if (candidates.length === 1) return `${candidates[0]}:${text}`;
  const picker = byId<HTMLSelectElement>('link-chain')!;
  if (!picker.hidden && candidates.includes(picker.value)) return `${picker.value}:${text}`;
  picker.textContent = '';
  for (const id of candidates) {
    const option = document.createElement('option');
    option.value = id;
    option.textContent = id;
    picker.append(option);
  }
  picker.hidden = false;
  throw new Error('This address fits several chains: choose one, then ask for the message again');
}

// Wallet Standard discovery: wallets announce themselves, and answer the page's call.
const standardWallets: StandardWallet[] = [];
const walletRegistry = {
  register: (...wallets: StandardWallet[]) => {
    standardWallets.push(...wallets);
    return () => {};
  },
};
window.addEventListener('wallet-standard:register-wallet', (event) =>
  (event as CustomEvent<(registry: typeof walletRegistry) => void>).detail(walletRegistry),
);
window.dispatchEvent(new CustomEvent('wallet-standard:app-ready', { detail: walletRegistry }));

async function chainOf(namespace: string, name: string): Promise<string> {
  const chain = (await acceptedChains()).find((id) => id.startsWith(`${namespace}:`));
  if (!chain) throw new Error(`${name} accounts cannot be linked here`);
  return chain;
}

async function linkSolanaWallet() {
  const wallet = standardWallets.find((w) => w.features['solana:signIn'] || w.features['solana:signMessage']);
  if (!wallet) throw new Error('No Solana wallet found: use "Another wallet" below');
  const chain = await chainOf('solana', 'Solana');
  const { accounts } = await wallet.features['standard:connect'].connect();
  const challenge = await challengeFor(`${chain}:${accounts[0].address}`);
  let message = challenge.message;
  let signature: string;
  if (wallet.features['solana:signIn']) {
    const [output] = await wallet.features['solana:signIn'].signIn(signInInputOf(challenge.message));
    message = new TextDecoder().decode(output.signedMessage);
    signature = toBase64(output.signature);
  } else {
    const [output] = await wallet.features['solana:signMessage'].signMessage({
      account: accounts[0],
      message: new TextEncoder().encode(message),
    });
    signature = toBase64(output.signature);
  }
  await api('POST', '/v1/wallets/verify', { message, signature });
  await renderAccount();
  say(`Linked ${challenge.account}.`);
}

async function linkTronLink() {
  const tronWeb = window.tronWeb ?? window.tronLink?.tronWeb;
  if (!tronWeb) throw new Error('TronLink was not found: use "Another wallet" below');
  if (window.tronLink?.request) await window.tronLink.request({ method: 'tron_requestAccounts' });
  const chain = await chainOf('tron', 'TRON');
  const challenge = await challengeFor(`${chain}:${tronWeb.defaultAddress.base58}`);
  const signature = await tronWeb.trx.signMessageV2(challenge.message);
  await api('POST', '/v1/wallets/verify', { message: challenge.message, signature });
  await renderAccount();
  say(`Linked ${challenge.account}.`);
}

async function prepareManualLink() {
  pending = await challengeFor(await accountFromInput(byId<HTMLInputElement>('link-account')!.value.trim()));
  const lines = [
    pending.message,
    '',
    `Digest of the message${pending.onchain ? ' (the argument of proveControl)' : ''}: ${pending.challengeHash}`,
  ];
  if (pending.onchain)
    lines.push(
      `Registry ${pending.onchain.registry} on chain ${pending.onchain.chainId}; ${pending.onchain.confirmations} confirmations needed`,
    );
  byId('link-message')!.textContent = lines.join('\n');
  say(`Sign the message exactly as shown, or send the transaction, before ${pending.expiresAt}.`);
}

async function submitManual(kind: 'signature' | 'transaction') {
  if (!pending) throw new Error('Get the message first');
  if (kind === 'signature')
    await api('POST', '/v1/wallets/verify', {
      message: pending.message,
      signature: byId<HTMLInputElement>('link-signature')!.value.trim(),
    });
  else
    await api('POST', '/v1/wallets/onchain-proof', {
      account: pending.account,
      txHash: byId<HTMLInputElement>('link-tx')!.value.trim(),
    });
  await renderAccount();
  say(`Linked ${pending.account}.`);
}

async function signWithNcaLayer(url: string) {
  const { challenge } = await api<{ challenge: string }>('POST', '/v1/identity/x509/challenge');
  say('Confirm the signature in NCALayer…');
  // The challenge is ASCII; NCALayer decodes the base64 and signs those bytes.
  const signedData = await ncalayerSign(url, btoa(challenge));
  await api('POST', '/v1/identity/x509/verify', { challenge, signedData });
  location.assign('/enroll');
}

document.addEventListener('DOMContentLoaded', () => {
  const on = (id: string, action: () => Promise<unknown>) =>
    byId(id)?.addEventListener('click', guard(action));
  on('passkey-sign-in', async () => {
    await signIn();
    location.assign('/account');
  });
  on('passkey-register', async () => {
    await registerPasskey(byId<HTMLInputElement>('passkey-name')!.value.trim());
    location.assign('/account');
  });
  on('passkey-add', async () => {
    await registerPasskey('');
    await renderAccount();
    say('Passkey added.');
  });
  on('sign-out', async () => {
    await api('POST', '/v1/session/logout');
    location.assign('/');
  });
  on('link-wallet', linkBrowserWallet);
  on('link-solana', linkSolanaWallet);
  on('link-tron', linkTronLink);
  on('ncalayer-sign', () => signWithNcaLayer(byId('ncalayer-sign')!.dataset.url ?? ''));
  on('link-challenge', prepareManualLink);
  on('link-submit-signature', () => submitManual('signature'));
  on('link-submit-tx', () => submitManual('transaction'));
  if (byId('passkeys')) void guard(renderAccount)();
});

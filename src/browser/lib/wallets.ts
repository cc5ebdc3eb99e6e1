// Linking through a wallet in the browser: an EIP-1193 provider (window.ethereum), a
// Wallet Standard Solana wallet (solana:signIn, or signMessage), TronLink.
import { acceptedChains, networkName, signInInputOf, toBase64, toHex } from './accounts.js';
import { challengeFor, submitProof } from './challenge.js';
import { refusal } from './errors.js';

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

const FEEDBACK = 'link-wallet';

interface SignedOutput {
  signedMessage: Uint8Array;
  signature: Uint8Array;
}

/** A wallet's own failure (refused, cancelled, locked) told in the page's words. */
async function fromWallet<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch {
    throw refusal('citizen.link.walletRefused');
  }
}

/** The first output of a Wallet Standard signing feature. */
async function signed(call: () => Promise<SignedOutput[]>): Promise<SignedOutput> {
  const [output] = await fromWallet(call);
  if (!output) throw refusal('citizen.link.walletRefused');
  return output;
}

// Wallet Standard discovery: wallets announce themselves, and answer the page's call.
const standardWallets: StandardWallet[] = [];
const walletRegistry = {
  register: (...wallets: StandardWallet[]) => {
    standardWallets.push(...wallets);
    return () => {};
  },
};

export function discoverStandardWallets(): void {
  window.addEventListener('wallet-standard:register-wallet', (event) =>
    (event as CustomEvent<(registry: typeof walletRegistry) => void>).detail(walletRegistry),
  );
  window.dispatchEvent(new CustomEvent('wallet-standard:app-ready', { detail: walletRegistry }));
}

export async function chainOf(namespace: string): Promise<string> {
  const chain = (await acceptedChains()).find((id) => id.startsWith(`${namespace}:`));
  if (!chain) throw refusal('citizen.link.networkNotAccepted', { network: networkName(namespace) });
  return chain;
}

export async function linkBrowserWallet(): Promise<void> {
  const wallet = window.ethereum;
  if (!wallet) throw refusal('citizen.link.noEthereum');
  const [address] = await fromWallet(
    () => wallet.request({ method: 'eth_requestAccounts' }) as Promise<string[]>,
  );
  const chainId = Number.parseInt(
    String(await fromWallet(() => wallet.request({ method: 'eth_chainId' }))),
    16,
  );
  const challenge = await challengeFor(`eip155:${chainId}:${address}`);
  const signature = await fromWallet(() =>
    wallet.request({ method: 'personal_sign', params: [toHex(challenge.message), address] }),
  );
  await submitProof({
    path: '/v1/wallets/verify',
    body: { message: challenge.message, signature },
    account: challenge.account,
    feedbackId: FEEDBACK,
  });
}

export async function linkSolanaWallet(): Promise<void> {
  const wallet = standardWallets.find((w) => w.features['solana:signIn'] || w.features['solana:signMessage']);
  if (!wallet) throw refusal('citizen.link.noSolana');
  const chain = await chainOf('solana');
  const { accounts } = await fromWallet<{ accounts: { address: string }[] }>(() =>
    wallet.features['standard:connect'].connect(),
  );
  const [account] = accounts;
  if (!account) throw refusal('citizen.link.walletRefused');
  const challenge = await challengeFor(`${chain}:${account.address}`);
  let message = challenge.message;
  let signature: string;
  if (wallet.features['solana:signIn']) {
    const output = await signed(() =>
      wallet.features['solana:signIn'].signIn(signInInputOf(challenge.message)),
    );
    message = new TextDecoder().decode(output.signedMessage);
    signature = toBase64(output.signature);
  } else {
    const output = await signed(() =>
      wallet.features['solana:signMessage'].signMessage({
        account,
        message: new TextEncoder().encode(message),
      }),
    );
    signature = toBase64(output.signature);
  }
  await submitProof({
    path: '/v1/wallets/verify',
    body: { message, signature },
    account: challenge.account,
    feedbackId: FEEDBACK,
  });
}

export async function linkTronLink(): Promise<void> {
  const tronWeb = window.tronWeb ?? window.tronLink?.tronWeb;
  if (!tronWeb) throw refusal('citizen.link.noTron');
  const request = window.tronLink?.request;
  if (request) await fromWallet(() => request({ method: 'tron_requestAccounts' }));
  const chain = await chainOf('tron');
  const challenge = await challengeFor(`${chain}:${tronWeb.defaultAddress.base58}`);
  const signature = await fromWallet(() => tronWeb.trx.signMessageV2(challenge.message));
  await submitProof({
    path: '/v1/wallets/verify',
    body: { message: challenge.message, signature },
    account: challenge.account,
    feedbackId: FEEDBACK,
  });
}

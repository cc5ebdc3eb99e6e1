// Challenges for linking an account, in the format of the account's namespace (EIP-4361
// for eip155, CAIP-122 "Sign in with X" for the others), and the passkey step-up both
// issuing and answering them need. A challenge is single use, bound to the session that
// asked for it, expires within minutes and carries 128 random bits.

import { isEvmChain, type LinkableChain } from '../chains/chainDirectory.js';
import { hashToken } from '../crypto/tokens.js';
import {
  ACCOUNT_NAMESPACES,
  type AccountId,
  type NamespaceAdapter,
  namespaceAdapter,
} from '../domain/accounts/index.js';
import { randomBytes, toHex } from '../domain/encoding.js';
import {
  ChallengeExpiredError,
  ChallengeInvalidError,
  StepUpRequiredError,
  UnsupportedChainError,
} from '../domain/errors.js';
import type { WalletChallengeRow } from '../store/database.js';
import { insertWalletChallenge } from '../store/repositories/walletChallenges.js';
import type { ServiceContext } from './context.js';
import type { Session } from './sessions.js';
import { requireLinkingAllowed } from './walletsBinding.js';

/** Parses a CAIP-10 account and finds its chain among the configured ones. */
export function resolveAccount(
  ctx: ServiceContext,
  raw: string,
): { account: AccountId; chain: LinkableChain; adapter: NamespaceAdapter } {
  const account = ACCOUNT_NAMESPACES.parse(raw);
  const chain = ctx.chains.get(account.chainId);
  if (!chain) {
    throw new UnsupportedChainError(
      `Chain ${account.chainId} is not supported here (supported: ${[...ctx.chains.keys()].join(', ')})`,
    );
  }
  return { account, chain, adapter: namespaceAdapter(account.namespace) };
}

/**
 * Linking needs a passkey assertion made moments ago, not just a live session: checked when
 * the challenge is issued and again when the proof is submitted, so no account is linked
 * more than `stepUpSeconds` after the last assertion.
 */
export function requireStepUp(ctx: ServiceContext, session: Session): void {
  const limitMs = ctx.config.wallets.stepUpSeconds * 1000;
  const at = session.passkeyVerifiedAt;
  if (!at || ctx.clock.now().getTime() - at.getTime() > limitMs) {
    throw new StepUpRequiredError(
      `Linking an account needs a passkey confirmation from the last ${ctx.config.wallets.stepUpSeconds / 60} minutes; sign in with your passkey again`,
      { stepUp: '/v1/webauthn/authentication/options' },
    );
  }
}

export interface WalletChallenge {
  account: string;
  message: string;
  nonce: string;
  issuedAt: string;
  expiresAt: string;
  /** The namespace's 32-byte digest of the message (eip155: keccak256, the argument of proveControl). */
  challengeHash: string;
  onchain?: { registry: string; chainId: number; confirmations: number; function: string };
}

export async function issueWalletChallenge(
  ctx: ServiceContext,
  session: Session,
  rawAccount: string,
): Promise<WalletChallenge> {
  const { account, chain, adapter } = resolveAccount(ctx, rawAccount);
  requireStepUp(ctx, session);
  await requireLinkingAllowed(ctx.db, session.identityId);
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.config.wallets.challengeSeconds * 1000);
  // 128 random bits, hex: EIP-4361 and CAIP-122 nonces must be alphanumeric, 8 characters or more.
  const nonce = toHex(randomBytes(16));
  const publicUrl = new URL(ctx.config.publicUrl);
  const message = adapter.challenge.build({
    account,
    domain: publicUrl.host,
    uri: publicUrl.origin,
    serviceName: ctx.config.rpName,
    nonce,
    issuedAt: now,
    expiresAt,
  });
  const challengeHash = adapter.challenge.digest(message);
  await insertWalletChallenge(ctx.db, {
    id: await hashToken(nonce, ctx.digests),
    challenge_hash: challengeHash,
    session_binding: await hashToken(session.id, ctx.digests),
    identity_id: session.identityId,
    account: account.id,
    message,
    issued_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
  });
  return {
    account: account.id,
    message,
    nonce,
    issuedAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    challengeHash,
    ...(isEvmChain(chain) && chain.registry && chain.client
      ? {
          onchain: {
            registry: chain.registry,
            chainId: chain.chainId,
            confirmations: chain.confirmations,
            function: 'proveControl(bytes32)',
          },
        }
      : {}),
  };
}

/** Unknown, used, foreign and expired challenges are told apart only where that is safe. */
export async function checkChallengeOwnership(
  ctx: ServiceContext,
  session: Session,
  row: WalletChallengeRow | undefined,
): Promise<void> {
  if (!row || row.session_binding !== (await hashToken(session.id, ctx.digests))) {
    throw new ChallengeInvalidError(
      'No outstanding challenge matches: it is unknown, already used, or was issued to another session',
    );
  }
  if (row.expires_at <= ctx.clock.now().toISOString()) {
    throw new ChallengeExpiredError(`The challenge expired at ${row.expires_at}; ask for a new one`);
  }
}

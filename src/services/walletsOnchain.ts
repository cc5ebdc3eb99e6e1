// Linking with an on-chain proof: the account itself calls the registry contract's
// proveControl with the challenge's digest, and the mined, confirmed ControlProven event is
// the proof. Only chains with a registry and an RPC endpoint (eip155) offer it.

import type { Hex } from 'viem';
import { isEvmChain } from '../chains/chainDirectory.js';
import { type ControlProofEvent, readControlProof } from '../chains/evmChains.js';
import { hashToken } from '../crypto/tokens.js';
import {
  InsufficientConfirmationsError,
  OnchainProofInvalidError,
  ProofMethodUnavailableError,
} from '../domain/errors.js';
import type { WalletChallengeRow } from '../store/database.js';
import { findWalletChallengeByHash } from '../store/repositories/walletChallenges.js';
import type { ServiceContext } from './context.js';
import type { Session } from './sessions.js';
import { bindAccount, type LinkResult } from './walletsBinding.js';
import { checkChallengeOwnership, requireStepUp, resolveAccount } from './walletsChallenge.js';

export async function linkWithOnchainProof(
  ctx: ServiceContext,
  session: Session,
  p: { account: string; txHash: Hex },
): Promise<LinkResult> {
  const { account, chain } = resolveAccount(ctx, p.account);
  requireStepUp(ctx, session);
  if (!isEvmChain(chain)) {
    throw new ProofMethodUnavailableError(
      `On-chain proofs are not available on ${chain.id}: only eip155 chains with a registry contract offer them`,
    );
  }
  const proof = await readControlProof(chain, p.txHash);
  const fromAccount = proof.events.filter((event) => event.account === account.address);
  if (fromAccount.length === 0) {
    const senders = [...new Set(proof.events.map((event) => event.account))].join(', ');
    throw new OnchainProofInvalidError(
      `The transaction proves control of ${senders}, not of ${account.address}: the account itself must call proveControl`,
    );
  }
  const sessionBinding = await hashToken(session.id, ctx.digests);
  let match: { event: ControlProofEvent; row: WalletChallengeRow } | undefined;
  for (const event of fromAccount) {
    const row = await findWalletChallengeByHash(ctx.db, event.challengeHash);
    if (row && row.account === account.id && row.session_binding === sessionBinding) match = { event, row };
  }
  if (!match) {
    throw new OnchainProofInvalidError(
      'The challenge hash in the transaction is not an outstanding challenge of this session for this account',
    );
  }
  await checkChallengeOwnership(ctx, session, match.row);
  if (proof.confirmations < chain.confirmations) {
    // The challenge stays outstanding, so the same transaction can be submitted again later.
    throw new InsufficientConfirmationsError(
      `The transaction has ${proof.confirmations} of the ${chain.confirmations} confirmations ${chain.id} needs; submit it again later`,
      { confirmations: proof.confirmations, required: chain.confirmations },
    );
  }
  const taken = { challengeHash: match.event.challengeHash, sessionBinding };
  return bindAccount(ctx, { identityId: session.identityId, account, method: 'onchain' }, taken);
}

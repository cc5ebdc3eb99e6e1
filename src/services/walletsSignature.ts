// Linking with a signed challenge: the message must be byte for byte the one issued, and
// the signature is checked by the chain's verifier (the namespace adapter's, or the EVM
// adapter's for contract wallets). The challenge is used up whatever the outcome.

import { hashToken } from '../crypto/tokens.js';
import { nonceOfAnyChallenge } from '../domain/accounts/index.js';
import { MessageMismatchError } from '../domain/errors.js';
import { takeWalletChallenge } from '../store/repositories/walletChallenges.js';
import type { ServiceContext } from './context.js';
import type { Session } from './sessions.js';
import { bindAccount, type LinkResult } from './walletsBinding.js';
import { checkChallengeOwnership, requireStepUp, resolveAccount } from './walletsChallenge.js';

export async function linkWithSignature(
  ctx: ServiceContext,
  session: Session,
  p: { message: string; signature: string },
): Promise<LinkResult> {
  // First of all: a late proof is refused without touching the challenge.
  requireStepUp(ctx, session);
  const nonce = nonceOfAnyChallenge(p.message);
  if (!nonce) throw new MessageMismatchError('The message has no Nonce line, so it answers no challenge');
  const row = await takeWalletChallenge(ctx.db, {
    id: await hashToken(nonce, ctx.digests),
    sessionBinding: await hashToken(session.id, ctx.digests),
  });
  await checkChallengeOwnership(ctx, session, row);
  const issued = row!;
  const { account, chain, adapter } = resolveAccount(ctx, issued.account);
  if (p.message !== issued.message) {
    const fields = adapter.challenge.differingFields(issued.message, p.message);
    throw new MessageMismatchError(
      fields.length > 0
        ? `The message differs from the one issued in: ${fields.join(', ')}`
        : 'The message is not byte for byte the one issued (whitespace, line order, line endings or letter case differ)',
      { fields },
    );
  }
  const publicUrl = new URL(ctx.config.publicUrl);
  const method = await chain.verifySignature({
    message: p.message,
    signature: p.signature,
    account,
    domain: publicUrl.host,
    nonce,
  });
  return bindAccount(ctx, { identityId: issued.identity_id, account, method });
}

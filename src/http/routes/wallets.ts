// The signed-in citizen links and unlinks blockchain accounts (SPEC "Accounts and proofs").
import { Hono } from 'hono';
import type { Hex } from 'viem';
import {
  issueWalletChallenge,
  linkWithOnchainProof,
  linkWithSignature,
  unlinkOwnBinding,
} from '../../services/wallets.js';
import type { AppEnv } from '../env.js';
import { readJsonBody } from '../json.js';
import { requireSession } from '../middleware/session.js';

export function walletRoutes() {
  const app = new Hono<AppEnv>();
  app.use('*', requireSession('full'));

  app.post('/challenge', async (c) => {
    const { account } = await readJsonBody<{ account: string }>(c, 'wallet-challenge-request');
    const challenge = await issueWalletChallenge(c.get('deps').services, c.get('session')!, account);
    c.header('cache-control', 'no-store');
    return c.json(challenge, 201);
  });

  app.post('/verify', async (c) => {
    const body = await readJsonBody<{ message: string; signature: string }>(c, 'wallet-verify-request');
    const { binding, created } = await linkWithSignature(c.get('deps').services, c.get('session')!, body);
    return c.json({ binding }, created ? 201 : 200);
  });

  app.post('/onchain-proof', async (c) => {
    const body = await readJsonBody<{ account: string; txHash: Hex }>(c, 'wallet-onchain-proof-request');
    const { binding, created } = await linkWithOnchainProof(c.get('deps').services, c.get('session')!, body);
    return c.json({ binding }, created ? 201 : 200);
  });

  app.delete('/:bindingId', async (c) => {
    const binding = await unlinkOwnBinding(
      c.get('deps').services,
      c.get('session')!,
      c.req.param('bindingId'),
    );
    return c.json({ binding });
  });

  return app;
}

// Identity verification by signing in eGov Mobile: the citizen's page asks for a signing,
// the service issues an x509 challenge for the browser's flow and registers a QR signing
// with SIGEX; the poller (egovMobilePoller.ts) hands SIGEX the challenge and brings back
// the CMS once the citizen has signed on the phone; the page then completes the signing,
// which verifies the CMS exactly as POST /v1/identity/x509/verify does.
import { hashToken, newToken } from '../crypto/tokens.js';
import {
  ChallengeExpiredError,
  ChallengeInvalidError,
  IdentitySourceUnavailableError,
  NotFoundError,
  type ProblemDetails,
  ProblemError,
  SigningNotFinishedError,
} from '../domain/errors.js';
import { t } from '../i18n/catalogue.js';
import { FALLBACK_LOCALE, type Locale } from '../i18n/locale.js';
import type { SigexDocument } from '../identity/sigexClient.js';
import type { EgovSigningRow } from '../store/database.js';
import {
  endEgovSigning,
  findEgovSigning,
  insertEgovSigning,
  leaseEgovSigning,
  releaseEgovSigning,
} from '../store/repositories/egovSignings.js';
import { issueChallenge } from './challenges.js';
import type { ServiceContext } from './context.js';
import { finishVerification, type IdentitySources, verifyX509Signature } from './identityVerification.js';

/** What a sealed flow holds: the challenge to sign and SIGEX's two capabilities. */
export interface EgovFlow {
  challenge: string;
  dataUrl: string;
  signUrl: string;
}

/** The signing as the citizen's page sees it. */
export type EgovSigningState = 'waiting' | 'scanned' | 'signed' | 'completed' | 'failed' | 'expired';

export interface EgovSigningStatus {
  id: string;
  status: EgovSigningState;
  expiresAt: Date;
  /** Why it failed (failed only). */
  problem?: ProblemDetails;
}

/** How long a completing request holds a signed signing (it verifies, perhaps through NCANode). */
const COMPLETION_LEASE_MS = 60_000;

export const flowPurpose = (id: string) => `egov.flow.${id}`;
export const signaturePurpose = (id: string) => `egov.signature.${id}`;

/**
 * What eGov Mobile shows the citizen before they sign: the service's address first, so
 * that a QR passed on by someone else is recognised for what it is (a sign-in elsewhere).
 * SIGEX takes one description (in the citizen's language) and a name per language.
 */
export function egovSigningTexts(publicUrl: string, locale: Locale = FALLBACK_LOCALE) {
  const host = new URL(publicUrl).host;
  return {
    description: t(locale, 'egov.sigex.description', { host }),
    names: {
      nameKz: t('kk', 'egov.sigex.document', { host }),
      nameRu: t('ru', 'egov.sigex.document', { host }),
      nameEn: t('en', 'egov.sigex.document', { host }),
    } satisfies Omit<SigexDocument, 'id' | 'data'>,
  };
}

export async function startEgovMobileSigning(
  ctx: ServiceContext,
  sources: IdentitySources,
  p: { flowBinding: string; locale: Locale },
) {
  const sigex = sources.x509?.egovMobile;
  if (!sigex) throw new IdentitySourceUnavailableError('Signing with eGov Mobile is not enabled');
  // SIGEX first: when it is away the citizen gets a 503 and nothing is stored.
  const registration = await sigex.register(egovSigningTexts(ctx.config.publicUrl, p.locale).description);
  const challenge = await issueChallenge(ctx, { purpose: 'x509', binding: p.flowBinding });
  const id = newToken(16);
  const now = ctx.clock.now();
  const expiresAt = new Date(
    Math.min(challenge.expiresAt.getTime(), registration.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY),
  );
  const flow: EgovFlow = {
    challenge: challenge.value,
    dataUrl: registration.dataUrl,
    signUrl: registration.signUrl,
  };
  await insertEgovSigning(ctx.db, {
    id,
    binding: await hashToken(p.flowBinding, ctx.digests),
    status: 'pending',
    step: 'send-data',
    sealed_flow: await ctx.protector.encrypt(JSON.stringify(flow), flowPurpose(id)),
    sealed_signature: null,
    failure: null,
    attempts: 0,
    next_attempt_at: now.toISOString(),
    locked_until: null,
    expires_at: expiresAt.toISOString(),
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  });
  return {
    id,
    qrCode: `data:image/png;base64,${registration.qrCode}`,
    ...(registration.eGovMobileLaunchLink ? { eGovMobileLaunchLink: registration.eGovMobileLaunchLink } : {}),
    ...(registration.eGovBusinessLaunchLink
      ? { eGovBusinessLaunchLink: registration.eGovBusinessLaunchLink }
      : {}),
    expiresAt,
  };
}

async function signingOf(ctx: ServiceContext, id: string, flowBinding: string): Promise<EgovSigningRow> {
  const row = await findEgovSigning(ctx.db, id, await hashToken(flowBinding, ctx.digests));
  if (!row) throw new NotFoundError('No eGov Mobile signing with this ID was started in this browser');
  return row;
}

function stateOf(row: EgovSigningRow, now: Date): EgovSigningState {
  if (row.status === 'completed' || row.status === 'failed') return row.status;
  if (row.expires_at <= now.toISOString()) return 'expired';
  if (row.status === 'signed') return 'signed';
  return row.step === 'send-data' ? 'waiting' : 'scanned';
}

export async function egovMobileSigningStatus(
  ctx: ServiceContext,
  sources: IdentitySources,
  p: { id: string; flowBinding: string },
): Promise<EgovSigningStatus> {
  if (!sources.x509?.egovMobile)
    throw new IdentitySourceUnavailableError('Signing with eGov Mobile is not enabled');
  const row = await signingOf(ctx, p.id, p.flowBinding);
  const status = stateOf(row, ctx.clock.now());
  return {
    id: row.id,
    status,
    expiresAt: new Date(row.expires_at),
    ...(status === 'failed' && row.failure ? { problem: JSON.parse(row.failure) as ProblemDetails } : {}),
  };
}

/**
 * Verifies the signature eGov Mobile made, through the same use case as an x509 signature
 * posted by the page, and ends the signing in the transaction that records the identity:
 * a second completion (another tab, a retried request) finds it ended and creates nothing.
 */
export async function completeEgovMobileSigning(
  ctx: ServiceContext,
  sources: IdentitySources,
  p: { id: string; flowBinding: string },
) {
  if (!sources.x509?.egovMobile)
    throw new IdentitySourceUnavailableError('Signing with eGov Mobile is not enabled');
  const row = await signingOf(ctx, p.id, p.flowBinding);
  const now = ctx.clock.now();
  const state = stateOf(row, now);
  if (state === 'completed' || state === 'failed') {
    throw new ChallengeInvalidError(
      `This eGov Mobile signing has ${state === 'completed' ? 'been used' : 'failed'} already`,
    );
  }
  if (state === 'expired')
    throw new ChallengeExpiredError('The eGov Mobile signing expired before it was completed');
  if (state !== 'signed') throw new SigningNotFinishedError('The citizen has not signed in eGov Mobile yet');
  const until = new Date(now.getTime() + COMPLETION_LEASE_MS);
  if (!(await leaseEgovSigning(ctx.db, row.id, 'signed', now, until))) {
    throw new SigningNotFinishedError('Another request is completing this signing');
  }
  const flow = JSON.parse(await ctx.protector.decrypt(row.sealed_flow, flowPurpose(row.id))) as EgovFlow;
  const signedData = await ctx.protector.decrypt(row.sealed_signature ?? '', signaturePurpose(row.id));
  let claims: Awaited<ReturnType<typeof verifyX509Signature>>;
  try {
    claims = await verifyX509Signature(ctx, sources, {
      challenge: flow.challenge,
      signedData,
      flowBinding: p.flowBinding,
    });
  } catch (error) {
    // The challenge is used up by now: the signing cannot succeed any more, and says why.
    if (error instanceof ProblemError) {
      await endEgovSigning(
        ctx.db,
        row.id,
        { status: 'failed', failure: JSON.stringify(error.toProblem()) },
        now,
      );
    } else {
      await releaseEgovSigning(ctx.db, row.id);
    }
    throw error;
  }
  return finishVerification(ctx, claims, async (trx) => {
    if (!(await endEgovSigning(trx, row.id, { status: 'completed' }, ctx.clock.now()))) {
      throw new ChallengeInvalidError('This eGov Mobile signing has been used already');
    }
  });
}

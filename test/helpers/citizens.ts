// Citizens set up through the services rather than the dev IdP (which knows only five
// people): fictitious valid IINs and signed-in sessions with a fresh passkey step-up.
// Free of vitest, so the benchmarks use it too.
import type { AssuranceLevel, VerifiedIdentityClaims } from '../../src/domain/identity/identitySource.js';
import { iinCheckDigit } from '../../src/domain/identity/nationalId.js';
import type { ServiceContext } from '../../src/services/context.js';
import { recordVerifiedIdentity } from '../../src/services/identities.js';
import { startSession } from '../../src/services/sessions.js';

let nextSerial = 1000;

/** Fresh fictitious valid IINs beyond the dev IdP's five test persons (born 1 Jan 1990). */
export function syntheticIins(count: number): string[] {
  const result: string[] = [];
  while (result.length < count) {
    const serial = nextSerial++;
    const first11 = `9001013${String(serial).padStart(4, '0')}`;
    const check = iinCheckDigit(first11);
    if (check !== undefined) result.push(`${first11}${check}`);
  }
  return result;
}

/** Verifies an identity and opens a full session for it whose passkey step-up is now. */
export function steppedUpSession(
  services: ServiceContext,
  nationalId: string,
  level: AssuranceLevel = 'low',
  /** Names and birth date, as an identity source would give them. */
  person: Pick<VerifiedIdentityClaims, 'givenName' | 'familyName' | 'patronymic' | 'birthDate'> = {},
) {
  return services.units.run(async (trx) => {
    const { identity } = await recordVerifiedIdentity(services, trx, {
      source: 'dev',
      country: 'KZ',
      nationalId,
      level,
      ...person,
    });
    const now = services.clock.now();
    const started = await startSession(services, trx, {
      identityId: identity.id,
      kind: 'full',
      identityVerifiedAt: now,
      passkeyVerifiedAt: now,
    });
    return { ...started, identityId: identity.id };
  });
}

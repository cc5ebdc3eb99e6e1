// The profile of certificates from the National Certification Authority of Kazakhstan (NCA RK):
// the holder's role travels in extendedKeyUsage, next to clientAuth (AUTH keys) or
// emailProtection (SIGN keys). Only a private person's certificate may prove a citizen's identity.
import type * as pkijs from 'pkijs';
import { extendedKeyUsageOf } from './certificateFields.js';
import { refusal } from './refusal.js';

export const NCA_HOLDER_ROLE = {
  /** A private person. */
  individual: '1.2.398.3.3.4.1.1',
  /** An organisation; its employees' roles are arcs below (.1 head, .2 signer, .3 finance, .5 employee). */
  organisation: '1.2.398.3.3.4.1.2',
  /** Identified remotely through Digital ID (an identification method, not a role). */
  digitalId: '1.2.398.3.3.4.3.2.1',
} as const;

function isOrganisationRole(purpose: string): boolean {
  return purpose === NCA_HOLDER_ROLE.organisation || purpose.startsWith(`${NCA_HOLDER_ROLE.organisation}.`);
}

/**
 * Refuses organisation certificates always (they name an employee acting for a company, whose
 * identity the company vouches for), and, when `requireIndividual`, any certificate without
 * the individual role.
 */
export function checkHolderRole(signer: pkijs.Certificate, requireIndividual: boolean): void {
  const purposes = extendedKeyUsageOf(signer);
  const list = Array.isArray(purposes) ? purposes : [];
  if (list.some(isOrganisationRole)) {
    throw refusal(
      'holder-role',
      "The signer's certificate belongs to an organisation; sign with a private person's certificate",
    );
  }
  if (requireIndividual && !list.includes(NCA_HOLDER_ROLE.individual)) {
    throw refusal(
      'holder-role',
      "The signer's certificate does not carry the private-person role (extendedKeyUsage 1.2.398.3.3.4.1.1)",
    );
  }
}

// The identity-source port. Each adapter (oidc, x509, dev) turns a proof from a national
// identity system into VerifiedIdentityClaims; nothing downstream knows which one ran.

export type IdentitySourceKind = 'oidc' | 'x509' | 'dev';

/** Assurance levels, eIDAS-style. */
export type AssuranceLevel = 'low' | 'substantial' | 'high';

export interface VerifiedIdentityClaims {
  source: IdentitySourceKind;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** Already validated and normalised with the country's NationalIdRule. */
  nationalId: string;
  givenName?: string;
  familyName?: string;
  /** The father's name, where national documents carry one (Kazakh and Russian names). */
  patronymic?: string;
  /** YYYY-MM-DD */
  birthDate?: string;
  level: AssuranceLevel;
}

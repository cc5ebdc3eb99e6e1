// Signing with eGov Mobile: what eGov Mobile shows the citizen before they sign (SIGEX's
// description and the document name).
export const egov = {
  'egov.sigex.description': '{host}: identity verification to sign in',
  'egov.sigex.document': 'Identity verification to sign in at {host}',
} as const;

// Signing with eGov Mobile: the button and the QR panel on the home page (under the citizen
// pages' prefix, so their message block carries them), and what eGov Mobile shows the
// citizen before they sign (SIGEX's description and the document name).
export const egov = {
  'citizen.egov.sign': 'Sign with eGov Mobile',
  'citizen.egov.qrAlt': 'QR code to scan with eGov Mobile',
  'citizen.egov.waiting':
    'Open eGov Mobile on your phone, choose signing by QR code and scan this code. It can be used once.',
  'citizen.egov.launch': 'On this phone? Open eGov Mobile',
  'citizen.egov.scanned': 'eGov Mobile has the request. Confirm the signature in the app.',
  'citizen.egov.verifying': 'The signature has arrived. Checking it…',
  'citizen.egov.expired': 'The QR code has expired. Show a new one to try again.',
  'citizen.egov.failed': 'Signing with eGov Mobile did not succeed: {reason}',
  'citizen.egov.again': 'Show a new QR code',
  'egov.sigex.description': '{host}: identity verification to sign in',
  'egov.sigex.document': 'Identity verification to sign in at {host}',
} as const;

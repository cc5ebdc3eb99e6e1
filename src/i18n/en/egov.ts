// Signing with eGov Mobile: the button and the QR panel on the home page, and what eGov
// Mobile shows the citizen before they sign (SIGEX's description and the document name).
export const egov = {
  'egov.sign': 'Sign with eGov Mobile',
  'egov.qrAlt': 'QR code to scan with eGov Mobile',
  'egov.waiting':
    'Open eGov Mobile on your phone, choose signing by QR code and scan this code. It can be used once.',
  'egov.launch': 'On this phone? Open eGov Mobile',
  'egov.scanned': 'eGov Mobile has the request. Confirm the signature in the app.',
  'egov.verifying': 'The signature has arrived. Checking it…',
  'egov.expired': 'The QR code has expired. Show a new one to try again.',
  'egov.failed': 'Signing with eGov Mobile did not succeed: {reason}',
  'egov.again': 'Show a new QR code',
  'egov.sigex.description': '{host}: identity verification to sign in',
  'egov.sigex.document': 'Identity verification to sign in at {host}',
} as const;

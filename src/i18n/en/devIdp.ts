// The development identity provider's sign-in page (a separate app under /dev-idp).
export const devIdp = {
  'devIdp.title': 'Development identity provider',
  'devIdp.warningLead': 'For development only.',
  'devIdp.warning':
    'This identity provider signs anyone in as any of the fictitious people below, without checking anything. It is refused in production.',
  'devIdp.client': 'Client',
  'devIdp.asks': 'asks who you are.',
  'devIdp.choose': 'Choose a test person:',
  'devIdp.iin': 'IIN',
  'devIdp.born': 'born {date}',
} as const;

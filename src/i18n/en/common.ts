// Texts every page shares: the frame, the language switcher, the error pages.
export const common = {
  'common.brand': 'wallet-attest',
  'common.skipToContent': 'Skip to content',
  'common.language': 'Language',
  'common.signOut': 'Sign out',
  'common.working': 'Working…',
  'common.cancel': 'Cancel',
  'common.copy': 'Copy',
  'common.copied': 'Copied.',
  'common.offline': 'The service cannot be reached. Check your connection and try again.',
  'error.notFound.title': 'Page not found',
  'error.notFound.body':
    'There is no page at this address. Check the address, or start again from the home page.',
  'error.generic.title': 'Something went wrong',
  'error.generic.body': 'The service could not complete this request. Please try again in a few minutes.',
  'error.unavailable.title': 'The service is temporarily unavailable',
  'error.unavailable.body':
    'The service is under maintenance or overloaded. Nothing you have done is lost; please try again in a few minutes.',
  'error.backHome': 'Back to the home page',
} as const;

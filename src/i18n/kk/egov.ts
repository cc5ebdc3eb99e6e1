import type { egov as english } from '../en/egov.js';

export const egov: Record<keyof typeof english, string> = {
  'egov.sigex.description': '{host}: кіру үшін жеке басын растау',
  'egov.sigex.document': '{host} сайтына кіру үшін жеке басын растау',
};

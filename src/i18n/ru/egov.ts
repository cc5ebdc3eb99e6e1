import type { egov as english } from '../en/egov.js';

export const egov: Record<keyof typeof english, string> = {
  'egov.sigex.description': '{host}: подтверждение личности для входа',
  'egov.sigex.document': 'Подтверждение личности для входа на {host}',
};

import type { egov as english } from '../en/egov.js';

export const egov: Record<keyof typeof english, string> = {
  'citizen.egov.sign': 'Подписать в eGov Mobile',
  'citizen.egov.qrAlt': 'QR-код для сканирования в eGov Mobile',
  'citizen.egov.waiting':
    'Откройте eGov Mobile на телефоне, выберите подписание по QR-коду и отсканируйте этот код. Его можно использовать один раз.',
  'citizen.egov.launch': 'Вы на телефоне? Откройте eGov Mobile',
  'citizen.egov.scanned': 'eGov Mobile получил запрос. Подтвердите подпись в приложении.',
  'citizen.egov.verifying': 'Подпись получена. Проверяем её…',
  'citizen.egov.expired': 'Срок действия QR-кода истёк. Покажите новый, чтобы попробовать снова.',
  'citizen.egov.failed': 'Подписать в eGov Mobile не удалось: {reason}',
  'citizen.egov.again': 'Показать новый QR-код',
  'egov.sigex.description': '{host}: подтверждение личности для входа',
  'egov.sigex.document': 'Подтверждение личности для входа на {host}',
};

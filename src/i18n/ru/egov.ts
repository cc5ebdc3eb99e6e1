import type { egov as english } from '../en/egov.js';

export const egov: Record<keyof typeof english, string> = {
  'egov.sign': 'Подписать в eGov Mobile',
  'egov.qrAlt': 'QR-код для сканирования в eGov Mobile',
  'egov.waiting':
    'Откройте eGov Mobile на телефоне, выберите подписание по QR-коду и отсканируйте этот код. Его можно использовать один раз.',
  'egov.launch': 'Вы на телефоне? Откройте eGov Mobile',
  'egov.scanned': 'eGov Mobile получил запрос. Подтвердите подпись в приложении.',
  'egov.verifying': 'Подпись получена. Проверяем её…',
  'egov.expired': 'Срок действия QR-кода истёк. Покажите новый, чтобы попробовать снова.',
  'egov.failed': 'Подписать в eGov Mobile не удалось: {reason}',
  'egov.again': 'Показать новый QR-код',
  'egov.sigex.description': '{host}: подтверждение личности для входа',
  'egov.sigex.document': 'Подтверждение личности для входа на {host}',
};

// The development identity provider's sign-in page, in Russian.
import type { devIdp as english } from '../en/devIdp.js';

export const devIdp: Record<keyof typeof english, string> = {
  'devIdp.title': 'Тестовый поставщик удостоверений',
  'devIdp.warningLead': 'Только для разработки.',
  'devIdp.warning':
    'Этот поставщик удостоверений впускает кого угодно под именем любого из вымышленных людей ниже, ничего не проверяя. В рабочей среде он запрещён.',
  'devIdp.client': 'Клиент',
  'devIdp.asks': 'спрашивает, кто вы.',
  'devIdp.choose': 'Выберите тестового человека:',
  'devIdp.iin': 'ИИН',
  'devIdp.born': 'дата рождения: {date}',
};

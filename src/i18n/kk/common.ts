import type { common as english } from '../en/common.js';

export const common: Record<keyof typeof english, string> = {
  'common.brand': 'wallet-attest',
  'common.skipToContent': 'Мазмұнға өту',
  'common.language': 'Тіл',
  'common.signOut': 'Шығу',
  'common.working': 'Орындалуда…',
  'common.cancel': 'Болдырмау',
  'common.copy': 'Көшіру',
  'common.copied': 'Көшірілді.',
  'common.offline': 'Қызметке қосылу мүмкін болмады. Интернет байланысын тексеріп, қайталап көріңіз.',
  'error.notFound.title': 'Бет табылмады',
  'error.notFound.body': 'Бұл мекенжайда бет жоқ. Мекенжайды тексеріңіз немесе басты беттен қайта бастаңыз.',
  'error.generic.title': 'Бірдеңе дұрыс болмады',
  'error.generic.body': 'Қызмет бұл сұрауды орындай алмады. Бірнеше минуттан кейін қайталап көріңіз.',
  'error.unavailable.title': 'Қызмет уақытша қолжетімсіз',
  'error.unavailable.body':
    'Техникалық жұмыстар жүріп жатыр немесе қызмет шамадан тыс жүктелген. Сіз жасаған ештеңе жоғалған жоқ; бірнеше минуттан кейін қайталап көріңіз.',
  'error.backHome': 'Басты бетке оралу',
};

// The development identity provider's sign-in page, in Kazakh.
import type { devIdp as english } from '../en/devIdp.js';

export const devIdp: Record<keyof typeof english, string> = {
  'devIdp.title': 'Сынақ сәйкестендіру провайдері',
  'devIdp.warningLead': 'Тек әзірлеуге арналған.',
  'devIdp.warning':
    'Бұл сәйкестендіру провайдері ештеңені тексермей, кез келген адамды төмендегі ойдан шығарылған адамдардың кез келгені ретінде кіргізеді. Өндірістік ортада оған тыйым салынған.',
  'devIdp.client': 'Клиент',
  'devIdp.asks': 'сіздің кім екеніңізді сұрайды.',
  'devIdp.choose': 'Сынақ адамын таңдаңыз:',
  'devIdp.iin': 'ЖСН',
  'devIdp.born': 'туған күні: {date}',
};

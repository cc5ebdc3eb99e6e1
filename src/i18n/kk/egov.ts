import type { egov as english } from '../en/egov.js';

export const egov: Record<keyof typeof english, string> = {
  'citizen.egov.sign': 'eGov Mobile арқылы қол қою',
  'citizen.egov.qrAlt': 'eGov Mobile арқылы сканерлеуге арналған QR-код',
  'citizen.egov.waiting':
    'Телефоныңызда eGov Mobile қосымшасын ашып, QR-код арқылы қол қоюды таңдаңыз да, осы кодты сканерлеңіз. Оны бір рет қана қолдануға болады.',
  'citizen.egov.launch': 'Осы телефондасыз ба? eGov Mobile қосымшасын ашыңыз',
  'citizen.egov.scanned': 'eGov Mobile сұрауды алды. Қолтаңбаны қосымшада растаңыз.',
  'citizen.egov.verifying': 'Қолтаңба келді. Тексеріп жатырмыз…',
  'citizen.egov.expired': 'QR-кодтың мерзімі өтті. Қайталап көру үшін жаңасын көрсетіңіз.',
  'citizen.egov.failed': 'eGov Mobile арқылы қол қою сәтсіз аяқталды: {reason}',
  'citizen.egov.again': 'Жаңа QR-кодты көрсету',
  'egov.sigex.description': '{host}: кіру үшін жеке басын растау',
  'egov.sigex.document': '{host} сайтына кіру үшін жеке басын растау',
};

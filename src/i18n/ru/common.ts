import type { common as english } from '../en/common.js';

export const common: Record<keyof typeof english, string> = {
  'common.brand': 'wallet-attest',
  'common.skipToContent': 'Перейти к содержимому',
  'common.language': 'Язык',
  'common.signOut': 'Выйти',
  'common.working': 'Выполняется…',
  'common.cancel': 'Отмена',
  'common.copy': 'Копировать',
  'common.copied': 'Скопировано.',
  'common.offline': 'Сервис недоступен. Проверьте подключение к интернету и попробуйте ещё раз.',
  'error.notFound.title': 'Страница не найдена',
  'error.notFound.body': 'По этому адресу страницы нет. Проверьте адрес или начните с главной страницы.',
  'error.generic.title': 'Что-то пошло не так',
  'error.generic.body': 'Сервис не смог выполнить запрос. Попробуйте ещё раз через несколько минут.',
  'error.unavailable.title': 'Сервис временно недоступен',
  'error.unavailable.body':
    'Идут технические работы или сервис перегружен. Ничего из сделанного вами не потеряно; попробуйте ещё раз через несколько минут.',
  'error.backHome': 'На главную страницу',
};

// Азаматтың беттеріндегі мәтіндер және олардың сценарийі көрсететін хабарламалар.
import type { citizen as english } from '../en/citizen.js';

export const citizen: Record<keyof typeof english, string> = {
  'citizen.home.title': 'Кіру',
  'citizen.home.heading': 'Крипто шоттарыңызды расталған жеке басыңызбен байланыстырыңыз',
  'citizen.home.intro':
    'Шот байланыстырылғаннан кейін биржа оның расталған адамға тиесілі екенін тексере алады. Биржалар сіздің атыңызды да, ЖСН-іңізді де көрмейді.',
  'citizen.home.returning': 'Тіркелгенсіз бе?',
  'citizen.home.signIn': 'Кіру кілтімен кіру',
  'citizen.home.new': 'Мұнда алғаш келдіңіз бе, әлде кіру кілтін жоғалттыңыз ба?',
  'citizen.home.newIntro': 'Алдымен жеке басыңызды растаңыз, содан кейін осы құрылғыда кіру кілтін тіркеңіз.',
  'citizen.home.oidc': 'Ұлттық сәйкестендіру провайдері арқылы растау',
  'citizen.home.dev': 'Сынақ сәйкестендіру провайдері арқылы растау (тек сынақ тұлғалары)',
  'citizen.home.ncalayer': 'NCALayer арқылы қол қою',
  'citizen.home.x509':
    'Ұлттық жеке куәлік сертификаты болса, қол қою бағдарламаңыз сізді API арқылы растай алады:',
  'citizen.home.signedIn': 'Кірдіңіз. Жеке кабинетіңіз ашылуда…',

  'citizen.enroll.title': 'Кіру кілтін тіркеу',
  'citizen.enroll.heading': 'Жеке басыңыз расталды',
  'citizen.enroll.intro':
    'Осы құрылғыда кіру кілтін тіркеңіз. Ол арқылы жүйеге кіресіз және шоттарды байланыстыруды растайсыз.',
  'citizen.enroll.register': 'Кіру кілтін тіркеу',
  'citizen.enroll.done': 'Кіру кілті тіркелді. Жеке кабинетіңіз ашылуда…',

  'citizen.account.title': 'Жеке кабинет',
  'citizen.identity.heading': 'Жеке басыңыз',
  'citizen.identity.nationalId': 'ЖСН: {hint}',
  'citizen.identity.verified': '{date} күні {source} арқылы расталды.',
  'citizen.identity.level.low': 'Сенім деңгейі: негізгі.',
  'citizen.identity.level.substantial': 'Сенім деңгейі: жоғарылатылған.',
  'citizen.identity.level.high': 'Сенім деңгейі: жоғары (білікті сертификат).',
  'citizen.identity.source.oidc': 'ұлттық сәйкестендіру провайдері',
  'citizen.identity.source.x509': 'жеке куәлігіңіздің сертификаты',
  'citizen.identity.source.dev': 'сынақ сәйкестендіру провайдері (сынақ деректері, нақты адам емес)',
  'citizen.identity.revoked': 'Реттеуші {date} күні жеке басыңызды кері қайтарып алды. Себебі: {reason}.',
  'citizen.identity.revokedNext':
    'Байланыстырылған шоттарыңыз кері қайтарылды, реттеуші бұғатты алмайынша жаңа шот байланыстыру мүмкін емес. Егер бұл қате деп санасаңыз, реттеушіге хабарласып, жоғарыдағы себепті атаңыз.',
  'citizen.identity.suspended':
    'Реттеуші сізге байланыстырылған барлық шоттарды тоқтата тұрды. Реттеуші қалпына келтірмейінше, биржалар оларды тоқтатылған деп көреді.',
  'citizen.identity.suspendedNext': 'Себебі мен күні төмендегі әр шоттың астында көрсетілген.',

  'citizen.reason.fraud': 'алаяқтыққа күдік',
  'citizen.reason.court_order': 'сот шешімі',
  'citizen.reason.sanctions': 'санкциялар',
  'citizen.reason.identity_compromised': 'жеке басыңызды басқа біреу пайдалануы мүмкін',
  'citizen.reason.key_compromise': 'шоттың кілттері құпиялылығын жоғалтқан болуы мүмкін',
  'citizen.reason.other': 'реттеуші жазған себеп',
  'citizen.reason.unknown': 'көрсетілмеген',

  'citizen.passkeys.heading': 'Кіру кілттері',
  'citizen.passkeys.intro':
    'Әр кіру кілті оны сақтайтын құрылғыдан немесе құпиясөз менеджерінен кіруге мүмкіндік береді.',
  'citizen.passkeys.added': '{date} күні қосылды.',
  'citizen.passkeys.lastUsed': 'Соңғы рет {date} күні пайдаланылды.',
  'citizen.passkeys.unnamed': 'Атауы жоқ кілт',
  'citizen.passkeys.rename': 'Атауын өзгерту',
  'citizen.passkeys.renameLabel': 'Жаңа атауы',
  'citizen.passkeys.save': 'Сақтау',
  'citizen.passkeys.renamed': 'Кіру кілтінің жаңа атауы: «{name}».',
  'citizen.passkeys.remove': 'Жою',
  'citizen.passkeys.removeConfirm': '«{name}» кіру кілтін жою керек пе? Онымен енді кіре алмайсыз.',
  'citizen.passkeys.removeLast':
    'Бұл — сіздің жалғыз кіру кілтіңіз. Онсыз кіре алмайсыз: жеке басыңызды қайта растап, жаңа кілт тіркеуге тура келеді. Мүмкін болса, алдымен басқа кілт қосыңыз.',
  'citizen.passkeys.removeYes': 'Бұл кілтті жою',
  'citizen.passkeys.removed': '«{name}» кіру кілті жойылды.',
  'citizen.passkeys.nameLabel': 'Кіру кілтінің атауы',
  'citizen.passkeys.namePlaceholder': 'мысалы, Менің телефоным',
  'citizen.passkeys.nameMissing': 'Кейін басқаларынан ажырата алу үшін алдымен кілтке атау беріңіз.',
  'citizen.passkeys.add': 'Кіру кілтін қосу',
  'citizen.passkeys.addDone': '«{name}» кіру кілті қосылды.',

  'citizen.bindings.heading': 'Байланыстырылған шоттар',
  'citizen.bindings.none': 'Әзірге бірде-бір шот байланыстырылмаған.',
  'citizen.bindings.historyHeading': 'Тоқтатылған байланыстар',
  'citizen.bindings.historyIntro':
    'Бұл байланыстар аяқталды; биржалар бұл шоттарды кері қайтарылған деп көреді.',
  'citizen.bindings.status.active': 'Жарамды',
  'citizen.bindings.status.suspended': 'Тоқтатылған',
  'citizen.bindings.status.revoked': 'Кері қайтарылған',
  'citizen.bindings.status.expired': 'Аттестацияның мерзімі өтті',
  'citizen.bindings.network': 'Желі: {network}',
  'citizen.bindings.linkedOn': '{date} күні байланыстырылды; тәсілі: {method}.',
  'citizen.bindings.validUntil': 'Аттестацияның жарамдылық мерзімі: {date}.',
  'citizen.bindings.renewFrom': 'Жаңарту мүмкін болатын күн: {date}.',
  'citizen.bindings.expiredOn': 'Аттестацияның мерзімі {date} күні өтті. Жаңасын алу үшін оны жаңартыңыз.',
  'citizen.bindings.renew': 'Жаңарту',
  'citizen.bindings.renewed': 'Аттестация жаңартылды, жарамдылық мерзімі: {date}.',
  'citizen.bindings.download': 'Аттестацияны жүктеп алу ({format})',
  'citizen.bindings.unlink': 'Ажырату',
  'citizen.bindings.unlinkConfirm':
    '{account} шотын ажырату керек пе? Оның аттестациялары бірден кері қайтарылады, ал биржалар шотты кері қайтарылған деп көреді. Кейін оны қайта байланыстыруға болады.',
  'citizen.bindings.unlinkYes': 'Бұл шотты ажырату',
  'citizen.bindings.unlinked': 'Шот ажыратылды.',
  'citizen.bindings.suspendedReason': 'Реттеуші {date} күні тоқтата тұрды. Себебі: {reason}.',
  'citizen.bindings.suspendedNext':
    'Шот тоқтатылып тұрғанда биржалар оны тоқтатылған деп көреді, оны жаңартуға да, ажыратуға да болмайды. Егер бұл қате деп санасаңыз, реттеушіге хабарласыңыз.',
  'citizen.bindings.unlinkedOn': '{date} күні өзіңіз ажыраттыңыз.',
  'citizen.bindings.unlinkedNext': 'Бұл шотты кез келген уақытта қайта байланыстыра аласыз.',
  'citizen.bindings.revokedReason': 'Реттеуші {date} күні кері қайтарып алды. Себебі: {reason}.',
  'citizen.bindings.revokedNext':
    'Кері қайтарып алу түпкілікті. Бұл шотты қайта байланыстыру үшін реттеушіден шешімді қайта қарауды сұраңыз.',

  'citizen.method.eip191': 'қол қойылған хабарлама',
  'citizen.method.erc1271': 'смарт-шоттың қолтаңбасы',
  'citizen.method.erc6492': 'әлі орналастырылмаған смарт-шоттың қолтаңбасы',
  'citizen.method.onchain': 'блокчейндегі транзакция',
  'citizen.method.bip322-simple': 'қол қойылған хабарлама',
  'citizen.method.bip322-full': 'қол қойылған хабарлама',
  'citizen.method.bip137': 'қол қойылған хабарлама',
  'citizen.method.tip191': 'қол қойылған хабарлама',
  'citizen.method.siws': 'Solana арқылы кіру (Sign in with Solana)',

  'citizen.network.eip155': 'Ethereum және үйлесімді желілер',
  'citizen.network.solana': 'Solana',
  'citizen.network.tron': 'TRON',
  'citizen.network.bip122': 'Bitcoin',

  'citizen.link.heading': 'Шотты байланыстыру',
  'citizen.link.intro':
    'Байланыстыру үшін кіру кілтіңіз, содан кейін шоттың сізге тиесілі екенінің дәлелі керек: әмияннан қолтаңба немесе шоттан біздің тізілім келісімшартына транзакция.',
  'citizen.link.blocked': 'Жеке басыңыз кері қайтарылып тұрғанда жаңа шоттарды байланыстыру мүмкін емес.',
  'citizen.link.ethereum': 'Браузердегі әмияннан Ethereum шотын байланыстыру',
  'citizen.link.solana': 'Solana әмиянын байланыстыру',
  'citizen.link.tron': 'TronLink арқылы байланыстыру',
  'citizen.link.manual': 'Басқа әмиян немесе блокчейндегі дәлел',
  'citizen.link.accountLabel': 'Мекенжай немесе шот (CAIP-10)',
  'citizen.link.chainLabel': 'Желі',
  'citizen.link.challenge': 'Қол қоятын хабарламаны алу',
  'citizen.link.messageLabel': 'Қол қоятын хабарлама — дәл осы күйінде',
  'citizen.link.digest': 'Хабарламаның хеші: {digest}',
  'citizen.link.digestOnchain': 'Хабарламаның хеші (proveControl аргументі): {digest}',
  'citizen.link.registry':
    'Немесе шоттан {chain} желісіндегі {registry} тізіліміне proveControl жіберіңіз. Қажетті растаулар саны: {confirmations}.',
  'citizen.link.expires': 'Хабарламаға дәл осы күйінде қол қойыңыз; соңғы мерзімі: {time}.',
  'citizen.link.signatureLabel': 'Қолтаңба',
  'citizen.link.signaturePlaceholder': '0x… (hex), base64 немесе base58',
  'citizen.link.submitSignature': 'Қолтаңбаны жіберу',
  'citizen.link.txLabel': 'proveControl транзакцияңыздың хеші',
  'citizen.link.submitTx': 'Транзакцияны жіберу',
  'citizen.link.linked': '{account} шоты байланыстырылды.',
  'citizen.link.existing': '{account} шоты сізге бұрын байланыстырылған; ештеңе өзгерген жоқ.',
  'citizen.link.existingSuspended':
    '{account} шоты сізге байланыстырылған, бірақ реттеуші оны тоқтата тұрды: себебі байланыстырылған шоттар тізімінде көрсетілген.',
  'citizen.link.fresh': 'Қол қоюға жаңа хабарлама көрсетілді; алдыңғысын енді пайдалануға болмайды.',
  'citizen.link.noEthereum': 'Браузерде әмиян табылмады. Төмендегі «Басқа әмиян» бөлімін пайдаланыңыз.',
  'citizen.link.noSolana': 'Solana әмияны табылмады. Төмендегі «Басқа әмиян» бөлімін пайдаланыңыз.',
  'citizen.link.noTron': 'TronLink табылмады. Төмендегі «Басқа әмиян» бөлімін пайдаланыңыз.',
  'citizen.link.walletRefused': 'Әмиян қол қоймады: сұрау қабылданбады немесе бас тартылды.',
  'citizen.link.notAccepted': 'Бұл мұнда қабылданатын желідегі мекенжай емес.',
  'citizen.link.severalChains':
    'Бұл мекенжай бірнеше желіге сәйкес келеді: біреуін таңдап, хабарламаны қайта сұраңыз.',
  'citizen.link.networkNotAccepted': '{network} желісінің шоттарын мұнда байланыстыру мүмкін емес.',
  'citizen.link.accountMissing': 'Алдымен шоттың мекенжайын енгізіңіз.',
  'citizen.link.messageMissing': 'Алдымен қол қоятын хабарламаны алыңыз.',
  'citizen.link.signatureMissing': 'Алдымен қолтаңбаны қойыңыз.',
  'citizen.link.txMissing': 'Алдымен транзакцияның хешін қойыңыз.',

  'citizen.webauthn.cancelled':
    'Кіру кілтінің сұрауынан бас тартылды, уақыты өтіп кетті немесе осы сайтқа арналған кілт табылмады. Дайын болғанда қайталап көріңіз.',
  'citizen.webauthn.unsupported':
    'Бұл браузер кіру кілттерін қолдамайды. Жаңартылған браузерді немесе басқа құрылғыны пайдаланып көріңіз.',
  'citizen.webauthn.alreadyRegistered': 'Бұл құрылғыда жеке кабинетіңізге арналған кіру кілті бұрыннан бар.',
  'citizen.webauthn.insecure': 'Кіру кілттері тек сервистің өз қорғалған мекенжайында жұмыс істейді.',
  'citizen.webauthn.failed': 'Кіру кілтін пайдалану мүмкін болмады. Қайталап көріңіз.',

  'citizen.ncalayer.confirm': 'NCALayer-де қолтаңбаны растаңыз…',
  'citizen.ncalayer.notRunning':
    'Бұл компьютерде NCALayer іске қосылмаған. Оны іске қосып, қайталап көріңіз.',
  'citizen.ncalayer.cancelled': 'NCALayer-де қол қоюдан бас тартылды.',
  'citizen.ncalayer.failed':
    'NCALayer қол қоймады. Сертификатыңыздың қолжетімді екенін тексеріп, қайталап көріңіз.',
};

# Printed documents (journal, acts, protocols, reports, posters).
# Column names of the journal follow the methodological recommendations on the trust phone (§5.2).

## Common to every printed document
# $page and $total arrive as markers the document fills in; keep both.
doc-page-of = { $total } беттің { $page }-беті
doc-generated = Басып шығарылған уақыты: { $date }
doc-anonymous = анонимді

## Registration journal
doc-journal-title = Өтініштерді тіркеу журналы
doc-journal-sheet = Журнал
doc-journal-period = Кезең: { $period }
doc-journal-empty = Бұл кезеңде өтініштер тіркелмеген.
doc-journal-count = Журналдағы жазбалар саны: { $count }.
doc-journal-final-hash = Тізбектің соңғы хэші:
doc-col-number = Өтініштің реттік нөмірі
doc-col-received = Өтініштің түскен күні мен уақыты
doc-col-author = Өтініш иесінің фамилиясы, аты, тегі
doc-col-contact = Мекен-жайы және байланыс телефонының нөмірі
doc-col-summary = Өтініштің қысқаша мазмұны
doc-col-category = Санаты
doc-col-forwarded = Өтінішті қарауға жіберілген орган, қарастыру мерзімі
doc-col-answered = Жауап берілген күні
doc-col-measures = Өтінішті шешу қорытындылары туралы ақпарат
doc-col-note = Ескертпе

## Act of opening the trust box (the acts of the college's register book, 2021–2022)
# $date arrives as 27.10.2021, $time as 12:00; $number is the act's number.
doc-act-title = «Сенім жәшігін» ашу кезінде түзілген акт № { $number }
doc-act-lead = «Сенім жәшігін» ашу кезінде түзілген
doc-act-heading = Акт № { $number }
doc-act-date = Күні: { $date } ж.
doc-act-time = Уақыты: { $time }
doc-act-place = Жәшіктің орны: { $place }
doc-act-intro = Біз, төменде қол қоюшылар, «Сенім жәшігін» ашу жөніндегі комиссия мүшелері:
doc-act-opened = { $date } ж. сағат { $time } «Сенім жәшігі» комиссияның қатысуымен ашылды.
doc-act-seal-intact = Ашқанға дейін жәшіктің № { $seal } пломбасы бүтін, жәшікте механикалық зақым жоқ.
doc-act-seal-damaged = Ашқанға дейін жәшіктің № { $seal } пломбасы бұзылған немесе жәшікте механикалық зақым бар.
doc-act-damage = Зақымның сипаттамасы: { $note }
doc-act-no-letters = «Сенім жәшігін» ашу кезінде еш бір хаттың болмауын анықтадық.
doc-act-letters-found = «Сенім жәшігінен» алынған хаттар саны: { $count }. Алынған хаттардың тізімі:
doc-act-col-index = №
doc-act-col-from = Хат кімнен түсті
doc-act-col-return = Кері мекенжайы
doc-act-col-written = Жазылған күні
doc-act-col-summary = Қысқаша мазмұны
doc-act-col-number = Журналдағы тіркеу нөмірі
doc-act-col-note = Ескертпе
doc-act-sealed-after = Ашылғаннан кейін «Сенім жәшігі» барлық қатысушылардың көзінше № { $seal } пломбамен пломбаланды.
doc-act-signatures = Қол қоюшылар:
doc-act-signature = (қолы)

## Protocol of a commission meeting (protocols No 1 and No 2 of the register book)
doc-protocol-title = «Сенім жәшігі» комиссиясы отырысының хаттамасы № { $number }
doc-protocol-lead = «Сенім жәшігі» комиссия мүшелерінің отырысы
doc-protocol-heading = Хаттама № { $number }
doc-protocol-date = { $date } ж.
doc-protocol-chair = Жиналыс төрағасы:
doc-protocol-secretary = Хатшы:
doc-protocol-present = Қатысқандар:
doc-protocol-invited = Шақырылғандар:
doc-protocol-agenda = Күн тәртібінде:
doc-protocol-heard = Тыңдалды:
doc-protocol-resolved = Қаулы:
# $numbers: journal numbers joined by commas.
doc-protocol-linked = Қаралған өтініштер (журналдағы тіркеу нөмірлері): { $numbers }
doc-protocol-signature = (қолы)
## Answer board (ақпараттық стенд): answers identified by the letter's date and time only
doc-board-title = Сенім жәшігінің жауаптары
doc-board-hint = Жауабыңызды хатыңыздың күні мен уақыты бойынша табыңыз. Мұнда аты-жөндер мен хаттардың мәтіндері жазылмайды.
doc-board-answer = Жауап
doc-board-invitation = Шақыру
doc-board-general = Жалпы жауап
doc-board-invited = Осы хаттың авторы әлеуметтік педагогпен жеке әңгімелесуге шақырылады.
doc-board-published = Жарияланды: { $date }
doc-board-empty = Әзірге жауаптар жоқ.

## Corridor poster
doc-poster-title = Сенім жәшігі
doc-poster-lead = Сені бір нәрсе мазалап жүр ме? Бізге жаз — атыңды жазбасаң да болады.
doc-poster-steps-title = Қалай жазуға болады
doc-poster-step1 = Хатыңды жаз. Аты-жөніңді көрсету міндетті емес. Хатқа күні мен уақытын жаз.
doc-poster-step2 = Хатты сенім жәшігіне сал немесе QR-кодты сканерлеп, онлайн жаз.
doc-poster-step3 = 5 жұмыс күні ішінде жауапты ақпараттық стендтен (хатыңның күні мен уақыты бойынша) немесе сайттан өтініш коды арқылы тап.
doc-poster-scan = Онлайн жазу үшін сканерле
doc-poster-phone = Сенім телефоны
doc-poster-hours = Жұмыс уақыты: { $hours }
doc-poster-opening = Сенім жәшігі ашылады: { $schedule }
doc-poster-helplines = Балаларға көмек көрсететін ұлттық телефондар
doc-poster-confidential = Жазғаның құпия сақталады.

## Analytical report (талдамалық есеп; айлық талдау, 004 §5.4)
doc-report-period = Есепті кезең: { $period }
doc-report-compared = Салыстыру үшін: { $period }
doc-report-col-label = Көрсеткіш
doc-report-col-count = Саны
doc-report-col-previous = Алдыңғы кезең
doc-report-col-change = Өзгеріс
doc-report-empty = Деректер жоқ.
doc-report-sheet = Есеп
# $limit is the smallest count shown (5), $max the largest hidden one (4).
doc-report-suppressed = Шағын сандар (1–{ $max }) «<{ $limit }» деп көрсетілген: осылайша ешбір оқушыны тану мүмкін емес.

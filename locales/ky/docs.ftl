# Printed documents (journal, acts, protocols, reports, posters).
# Column names of the journal follow the school's regulation («Ишеним кутусу» боюнча Жобо, §4).

## Common to every printed document
# $page and $total arrive as markers the document fills in; keep both.
doc-page-of = { $total } беттин { $page }-бети
doc-generated = Басып чыгарылган убактысы: { $date }
doc-anonymous = анонимдүү

## Registration journal
doc-journal-title = Кайрылууларды эсепке алуу журналы
doc-journal-sheet = Журнал
doc-journal-period = Мезгил: { $period }
doc-journal-empty = Бул мезгилде кайрылуулар катталган эмес.
doc-journal-count = Журналдагы жазуулардын саны: { $count }.
doc-journal-final-hash = Чынжырдын акыркы хэши:
doc-col-number = Катар номери
doc-col-received = Кабыл алынган датасы жана убактысы
doc-col-author = Арыз ээсинин аты-жөнү, жашы
doc-col-contact = Дареги жана байланыш телефону
doc-col-summary = Кайрылуунун кыскача мазмуну
doc-col-category = Категориясы
doc-col-forwarded = Жөнөтүлгөн уюм жана кароо мөөнөтү
doc-col-answered = Кайрылууга жооптун датасы
doc-col-measures = Көрүлгөн чаралар жөнүндө белги
doc-col-note = Эскертүү

## Act of opening the trust box (the school's regulation, appendix 2)
# $date arrives as 27.10.2021, $time as 12:00; $number is the act's number.
doc-act-title = «Ишеним кутусун» ачуу жана жарандардын кайрылууларын алып коюу актысы № { $number }
doc-act-lead = «Ишеним кутусун» ачуу жана жарандардын кайрылууларын алып коюу
doc-act-heading = Актысы № { $number }
doc-act-date = Датасы: { $date }-ж.
doc-act-time = Убактысы: саат { $time }
doc-act-place = Кутучанын орду: { $place }
doc-act-intro = Биз, төмөндө кол койгон «Ишеним кутусун» ачуу боюнча комиссиянын мүчөлөрү:
doc-act-opened = «Ишеним кутусунун» иштөө тартиби жөнүндө жобого ылайык { $date }-ж. саат { $time } жарандардын кайрылууларын жыйноого арналган «Ишеним кутусун» ачуу ишке ашырылды.
doc-act-seal-intact = Ачууга чейин кутучанын № { $seal } пломбасы бузулган эмес, кутучада механикалык бузулуу жок.
doc-act-seal-damaged = Ачууга чейин кутучанын № { $seal } пломбасы бузулган же кутучада механикалык бузулуу бар.
doc-act-damage = Бузулуунун мүнөздөмөсү: { $note }
doc-act-no-letters = «Ишеним кутусунда» жарандардын кайрылуулары табылган жок.
doc-act-letters-found = «Ишеним кутусунан» алынган кайрылуулардын саны: { $count }. Кабыл алынган кайрылуулардын тизмеси:
doc-act-col-index = №
doc-act-col-from = Кайрылуу ким тарабынан түштү
doc-act-col-return = Кайтарым дареги
doc-act-col-written = Жазылган датасы
doc-act-col-summary = Кыскача мазмуну
doc-act-col-number = Журналдагы катар номери
doc-act-col-note = Эскертүү
doc-act-sealed-after = Ачылгандан кийин «Ишеним кутусу» бардык катышкандардын көзүнчө № { $seal } пломба менен пломбаланды.
doc-act-signatures = Комиссиянын мүчөлөрү:
doc-act-signature = (колу)

## Protocol of a commission meeting (regulation §5.3–5.4, §6.2)
doc-protocol-title = «Ишеним кутусун» ачуу боюнча комиссиянын жыйналышынын протоколу № { $number }
doc-protocol-lead = «Ишеним кутусун» ачуу боюнча комиссиянын жыйналышынын
doc-protocol-heading = Протоколу № { $number }
doc-protocol-date = { $date }-ж.
doc-protocol-chair = Жыйналыштын төрагасы:
doc-protocol-secretary = Катчы:
doc-protocol-present = Катышкандар:
doc-protocol-invited = Чакырылгандар:
doc-protocol-agenda = Күн тартиби:
doc-protocol-heard = Угулду:
doc-protocol-resolved = Токтом:
# $numbers: journal numbers joined by commas.
doc-protocol-linked = Каралган кайрылуулар (журналдагы катар номерлери): { $numbers }
doc-protocol-signature = (колу)
## Answer board (стенд, такта): answers identified by the letter's date and time only (Жобо 000, §3.4)
doc-board-title = Ишеним кутусунун жооптору
doc-board-hint = Жообуңузду катыңыздын күнү жана убактысы боюнча табыңыз. Бул жерде аты-жөндөр жана каттардын тексттери жазылбайт.
doc-board-answer = Жооп
doc-board-invitation = Чакыруу
doc-board-general = Жалпы жооп
doc-board-invited = Бул каттын автору социалдык педагог менен жеке баарлашууга чакырылат.
doc-board-published = Жарыяланды: { $date }
doc-board-empty = Азырынча жооптор жок.

## Corridor poster
doc-poster-title = Ишеним кутусу
doc-poster-lead = Сени бир нерсе тынчсыздандырып жатабы? Бизге жаз — атыңды жазбасаң да болот.
doc-poster-steps-title = Кантип жазуу керек
doc-poster-step1 = Катыңды жаз. Аты-жөнүңдү көрсөтүү милдеттүү эмес. Катка күнүн жана убактысын жаз.
doc-poster-step2 = Катты ишеним кутусуна сал же QR-кодду сканерлеп, онлайн жаз.
doc-poster-step3 = 5 жумушчу күндүн ичинде жоопту стендден (катыңдын күнү жана убактысы боюнча) же сайттан кайрылуунун коду менен тап.
doc-poster-scan = Онлайн жазуу үчүн сканерле
doc-poster-phone = Ишеним телефону
doc-poster-hours = Иштөө убактысы: { $hours }
doc-poster-opening = Ишеним кутусу ачылат: { $schedule }
doc-poster-helplines = Балдарга жардам көрсөтүүчү улуттук телефондор
doc-poster-confidential = Жазганыңдын купуялуулугу сакталат.

## Analytical report (аналитикалык отчет, Жобо 003 §5.5)
doc-report-period = Отчеттук мезгил: { $period }
doc-report-compared = Салыштыруу үчүн: { $period }
doc-report-col-label = Көрсөткүч
doc-report-col-count = Саны
doc-report-col-previous = Мурунку мезгил
doc-report-col-change = Өзгөрүү
doc-report-empty = Маалымат жок.
doc-report-sheet = Отчет
# $limit is the smallest count shown (5), $max the largest hidden one (4).
doc-report-suppressed = Чакан сандар (1–{ $max }) «<{ $limit }» деп көрсөтүлгөн: ошондо эч бир окуучуну таанып алууга болбойт.

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

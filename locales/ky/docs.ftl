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

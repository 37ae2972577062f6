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

# Printed documents (journal, acts, protocols, reports, posters).

## Common to every printed document
# $page and $total arrive as markers the document fills in; keep both.
doc-page-of = Страница { $page } из { $total }
doc-generated = Дата печати: { $date }
doc-anonymous = анонимно

## Registration journal
doc-journal-title = Журнал регистрации обращений
doc-journal-sheet = Журнал
doc-journal-period = Период: { $period }
doc-journal-empty = За этот период обращений не зарегистрировано.
doc-journal-count = Записей в журнале: { $count }.
doc-journal-final-hash = Итоговый хеш цепочки:
doc-col-number = № п/п
doc-col-received = Дата и время поступления
doc-col-author = Ф. И. О., возраст заявителя
doc-col-contact = Адрес и телефон
doc-col-summary = Краткое содержание
doc-col-category = Категория
doc-col-forwarded = Организация-исполнитель и срок рассмотрения
doc-col-answered = Дата ответа
doc-col-measures = Принятые меры
doc-col-note = Примечание

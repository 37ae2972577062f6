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

## Act of opening the trust box
# $date arrives as 27.10.2021, $time as 12:00; $number is the act's number.
doc-act-title = Акт вскрытия «Ящика доверия» и изъятия обращений граждан № { $number }
doc-act-lead = Вскрытие «Ящика доверия» и изъятие обращений граждан
doc-act-heading = Акт № { $number }
doc-act-date = Дата: { $date }
doc-act-time = Время: { $time }
doc-act-place = Место установки ящика: { $place }
doc-act-intro = Мы, нижеподписавшиеся члены комиссии по вскрытию «Ящика доверия»:
doc-act-opened = В соответствии с положением о «Ящике доверия» { $date } в { $time } произведено вскрытие «Ящика доверия» для сбора обращений граждан.
doc-act-seal-intact = До вскрытия пломба № { $seal } не нарушена, механических повреждений ящика нет.
doc-act-seal-damaged = До вскрытия пломба № { $seal } нарушена или ящик имеет механические повреждения.
doc-act-damage = Описание повреждений: { $note }
doc-act-no-letters = При вскрытии «Ящика доверия» обращений не обнаружено.
doc-act-letters-found = Из «Ящика доверия» изъято обращений: { $count }. Список изъятых обращений:
doc-act-col-index = №
doc-act-col-from = От кого поступило обращение
doc-act-col-return = Обратный адрес
doc-act-col-written = Дата написания
doc-act-col-summary = Краткое содержание
doc-act-col-number = Регистрационный номер в журнале
doc-act-col-note = Примечание
doc-act-sealed-after = После вскрытия «Ящик доверия» опломбирован в присутствии всех участников пломбой № { $seal }.
doc-act-signatures = Подписи членов комиссии:
doc-act-signature = (подпись)

## Protocol of a commission meeting
doc-protocol-title = Протокол заседания комиссии по «Ящику доверия» № { $number }
doc-protocol-lead = Заседание комиссии по «Ящику доверия»
doc-protocol-heading = Протокол № { $number }
doc-protocol-date = { $date }
doc-protocol-chair = Председатель:
doc-protocol-secretary = Секретарь:
doc-protocol-present = Присутствовали:
doc-protocol-invited = Приглашённые:
doc-protocol-agenda = Повестка дня:
doc-protocol-heard = Слушали:
doc-protocol-resolved = Постановили:
# $numbers: journal numbers joined by commas.
doc-protocol-linked = Рассмотренные обращения (номера в журнале): { $numbers }
doc-protocol-signature = (подпись)
## Answer board (стенд): answers identified by the letter's date and time only
doc-board-title = Ответы ящика доверия
doc-board-hint = Найдите свой ответ по дате и времени вашего письма. Имена и тексты писем здесь не публикуются.
doc-board-answer = Ответ
doc-board-invitation = Приглашение
doc-board-general = Общий ответ
doc-board-invited = Автор этого письма приглашается на личную беседу к социальному педагогу.
doc-board-published = Опубликовано: { $date }
doc-board-empty = Пока ответов нет.

## Corridor poster
doc-poster-title = Ящик доверия
doc-poster-lead = Тебя что-то беспокоит? Напиши нам — можно без имени.
doc-poster-steps-title = Как написать
doc-poster-step1 = Напиши письмо. Указывать имя не обязательно. Поставь на письме дату и время.
doc-poster-step2 = Опусти письмо в ящик доверия или отсканируй QR-код и напиши онлайн.
doc-poster-step3 = В течение 5 рабочих дней найди ответ на стенде (по дате и времени письма) или на сайте по коду обращения.
doc-poster-scan = Отсканируй, чтобы написать онлайн
doc-poster-phone = Телефон доверия
doc-poster-hours = Часы работы: { $hours }
doc-poster-opening = Ящик доверия вскрывается: { $schedule }
doc-poster-helplines = Национальные телефоны помощи детям
doc-poster-confidential = Всё, что ты напишешь, останется конфиденциальным.

## Analytical report (аналитический отчёт)
doc-report-period = Отчётный период: { $period }
doc-report-compared = Для сравнения: { $period }
doc-report-col-label = Показатель
doc-report-col-count = Количество
doc-report-col-previous = Предыдущий период
doc-report-col-change = Изменение
doc-report-empty = Нет данных.
doc-report-sheet = Отчёт
# $limit is the smallest count shown (5), $max the largest hidden one (4).
doc-report-suppressed = Малые числа (1–{ $max }) показаны как «<{ $limit }», чтобы ни одного ученика нельзя было узнать.

# Trustbox — Russian (ru). Every message here must exist in ky, kk and en too (a test checks).

## Common
skip-to-content = Перейти к содержимому
language-label = Язык
language-apply = Применить
logout = Выйти
nav-label = Меню сотрудника
nav-dashboard = Обзор
nav-units = Организация
nav-unit-new = Новая школа или подразделение
nav-users = Учётные записи сотрудников
nav-user-new = Новая учётная запись
nav-audit = Журнал аудита
form-has-errors = Некоторые поля нужно исправить — посмотрите подсказки рядом с ними. Всё, что вы ввели, сохранилось.

## Errors
error-not-found-title = Страница не найдена
error-not-found-text = Такой страницы нет, или у вас нет к ней доступа. Проверьте адрес или вернитесь на главную страницу.
error-csrf-title = Срок действия формы истёк
error-csrf-text = Ради вашей безопасности форму не удалось отправить (она была открыта слишком долго или вы тем временем вышли из системы). Вернитесь назад, обновите страницу и отправьте форму ещё раз.
error-conflict-title = Изменено другим пользователем
error-conflict-text = Пока вы редактировали эту запись, её изменил другой пользователь. Ничего не перезаписано: обновите страницу, проверьте внесённые изменения и внесите свои ещё раз.
error-refused-title = Это действие невозможно
error-internal-title = У нас что-то пошло не так
error-internal-text = Не удалось выполнить запрос, и то, что он должен был сохранить, не сохранено. Вернитесь назад и попробуйте ещё раз через минуту; если ошибка повторяется, сообщите администратору код операции, указанный ниже.
error-operation-id = Код операции: { $id }
error-go-home = На главную страницу
error-go-staff = Вход для сотрудников
error-bad-form = Не удалось прочитать форму. Обновите страницу и попробуйте ещё раз.

## Login and setup
login-title = Вход для сотрудников
login-username = Имя пользователя
login-password = Пароль
login-submit = Войти
login-error-wrong = Неверное имя пользователя или пароль. Проверьте оба поля и попробуйте ещё раз.
login-error-locked = Слишком много неудачных попыток: учётная запись заблокирована на { $minutes ->
        [one] { $minutes } минуту
        [few] { $minutes } минуты
        [many] { $minutes } минут
       *[other] { $minutes } минуты
    }. Попробуйте позже или попросите администратора выдать новую ссылку для настройки.
login-error-expired = Срок действия формы входа истёк. Введите пароль ещё раз.
setup-title = Задайте пароль
setup-intro = Придумайте пароль для своей учётной записи в Trustbox. Эта ссылка действует только один раз.
setup-password = Новый пароль
setup-password-hint = Не менее 10 символов; несколько не связанных между собой слов легко запомнить и трудно угадать.
setup-password-confirm = Повторите пароль
setup-submit = Сохранить пароль
setup-invalid = Эта ссылка для настройки недействительна: ею уже воспользовались или срок её действия истёк. Попросите у администратора новую.
setup-done = Пароль сохранён. Теперь войдите с ним в систему.
err-password-short = Пароль слишком короткий: нужно не менее 10 символов.
err-password-mismatch = Пароли не совпадают. Введите один и тот же пароль дважды.

## Public home
home-title = Ящик доверия
home-intro = Напишите в ящик доверия своей школы: о травле (буллинге), насилии, нарушении ваших прав, коррупции, о том, что вас тревожит, или о своих идеях. Своё имя можно не указывать. Выберите свою школу.
home-schools = Школы
home-no-schools = Пока не добавлено ни одной школы.
home-staff-login = Вход для сотрудников

## Staff overview
dashboard-title = Обзор
dashboard-admin = Администрирование
dashboard-admin-text = Настройте структуру организации (страна, область, район, школа) и учётные записи сотрудников с их ролями.
dashboard-my-schools = Мои школы
dashboard-no-schools = У вас пока нет роли ни в одной школе.
school-slug = Краткое имя
school-board-sheet = Лист для стенда (PDF)
school-poster = Плакат (PDF)
school-staff = Сотрудники

## Organisation
units-title = Организация
units-empty = Подразделений пока нет. Начните со страны или школы.
unit-new-title = Новая школа или подразделение
unit-kind = Тип
unit-parent = Входит в
unit-no-parent = (верхний уровень)
unit-none = (нет)
unit-slug = Краткое имя для адреса
unit-slug-hint = Строчные латинские буквы, цифры и дефисы, например school-9-osh. Оно станет частью публичного адреса школы.
unit-country = Страна
unit-name = Название
unit-name-ky = Название на кыргызском
unit-name-kk = Название на казахском
unit-name-ru = Название на русском
unit-name-en = Название на английском
unit-default-lang = Язык документов
unit-time-zone = Часовой пояс
unit-create = Создать
kind-country = Страна
kind-region = Область
kind-district = Район
kind-school = Школа
country-kg = Кыргызстан
country-kz = Казахстан
err-kind-unknown = Выберите тип подразделения.
err-country-unknown = Выберите страну.
err-country-parent = Страна должна совпадать со страной вышестоящего подразделения.
err-parent-unknown = Выберите подразделение из списка.
err-parent-kind = Подразделение этого типа не может входить в выбранное (страна › область › район › школа).
err-lang-unknown = Выберите язык из списка.
err-time-zone-unknown = Выберите часовой пояс из списка.
err-unit-name-required = Укажите название хотя бы на языке документов.
err-unit-name-too-long = Название может содержать не более 200 символов.
err-slug-taken = Это краткое имя уже занято другим подразделением; выберите другое.

## Staff accounts
users-title = Учётные записи сотрудников
user-new-title = Новая учётная запись сотрудника
user-username = Имя пользователя
user-display-name = ФИО
user-lang = Язык
user-is-admin = Администратор системы
user-first-role = Роль (необязательно)
user-role = Роль
user-unit = Где
user-roles = Роли
user-no-roles = Ролей пока нет.
user-role-add = Добавить роль
user-role-remove = Удалить
user-create = Создать учётную запись
user-state = Состояние
user-active = активна
user-pending = ожидает установки пароля
user-disabled = отключена
user-setup-link-intro = Передайте эту одноразовую ссылку сотруднику лично или по телефону; по ней он сам задаст свой пароль. Ссылка показывается только сейчас.
user-reset-intro = Если пароль забыт, создайте для этого сотрудника новую одноразовую ссылку. Когда он ею воспользуется, все его текущие сеансы завершатся.
user-reset = Создать новую ссылку для настройки
role-none = (роли пока нет)
err-username-invalid = Имя пользователя должно содержать от 3 до 40 символов: строчные латинские буквы, цифры, точки, дефисы или знаки подчёркивания.
err-username-taken = Это имя пользователя уже занято; выберите другое.
err-display-name-required = Укажите ФИО сотрудника.
err-role-unknown = Выберите роль из списка.
err-role-unit-kind = Аналитики работают на уровне страны, области или района; все остальные роли относятся к школе.

## Roles
role-responsible = Ответственное лицо (социальный педагог)
role-commission = Член комиссии
role-director = Директор
role-operator = Оператор телефона доверия
role-analyst = Аналитик

## Audit
audit-title = Журнал аудита
audit-intro = Все изменения и все просмотры персональных данных, сначала новые. Записи журнала связаны в цепочку хешами; проверить её можно командой `trustbox verify`.
audit-at = Когда (UTC)
audit-actor = Кто
audit-action = Что
audit-object = Объект
audit-detail = Подробности

## Appeal vocabulary
author-pupil = Ученик
author-parent = Родитель или законный представитель
author-teacher = Учитель
author-other = Другой человек
category-bullying = Травля (буллинг)
category-violence = Насилие
category-rights = Нарушение прав ребёнка
category-corruption = Коррупция
category-psychological = Психологическая помощь
category-study = Учёба
category-suggestion = Предложение
category-question = Вопрос
category-other = Другое
answer-via-board = На стенде
answer-via-personal = Лично
answer-via-email = По электронной почте
channel-web = Сайт
channel-phone = Телефон доверия
channel-voicemail = Автоответчик
channel-email = Электронная почта
channel-in-person = Лично
channel-paper = Бумажное письмо (ящик)
status-new = Новое
status-in-work = В работе
status-forwarded = Передано
status-answered = Дан ответ
status-closed = Закрыто
status-not-an-appeal = Не является обращением
risk-self-harm = Самоповреждение
risk-suicide = Суицид
risk-sexual-abuse = Сексуальное насилие
risk-violence = Насилие
risk-weapon = Оружие

## Appeal form errors
err-author-required = Пожалуйста, выберите, кто пишет.
err-author-unknown = Такой вариант нам не известен; выберите, кто пишет, из списка.
err-category-required = Пожалуйста, выберите, о чём ваше письмо.
err-category-unknown = Такая тема нам не известна; выберите тему из списка.
err-text-empty = Пожалуйста, напишите ваше письмо: сейчас текст пустой.
err-text-too-long = Письмо слишком длинное (не более 10 000 символов). Сократите его или отправьте остальное вторым письмом.
err-written-on-invalid = Дата написания указана неправильно. Проверьте день, месяц и год.
err-written-on-future = Дата написания не может быть в будущем. Укажите сегодняшнюю или более раннюю дату.
err-written-on-too-old = Дата написания — больше года назад. Проверьте, правильно ли указан год.
err-answer-via-unknown = Выберите, как вы хотите получить ответ.
err-answer-via-needs-signature = На анонимное письмо отвечают на стенде или по вашему коду обращения. Чтобы получить ответ лично или по электронной почте, подпишите письмо.
err-name-required = Для подписанного письма нужно ваше имя. Напишите его или отправьте письмо анонимно.
err-name-too-long = Имя слишком длинное (не более 200 символов).
err-age-out-of-range = Возраст должен быть числом от 5 до 120.
err-age-too-long = Возраст записан слишком длинно (не более 20 символов).
err-class-too-long = Класс записан слишком длинно (не более 20 символов).
err-address-too-long = Адрес слишком длинный (не более 300 символов).
err-phone-invalid = Номер телефона указан неправильно: используйте цифры, пробелы, +, - и скобки; цифр должно быть от 5 до 20.
err-email-invalid = Адрес электронной почты указан неправильно. Проверьте его.
err-email-required = Чтобы получить ответ по электронной почте, укажите свой адрес электронной почты.
err-slug-invalid = Краткое имя может содержать строчные латинские буквы, цифры и одиночные дефисы, от 2 до 40 символов, и должно начинаться с буквы.
err-slug-reserved = Это краткое имя зарезервировано; выберите другое.
err-answer-days-limit = Срок ответа должен быть от 1 рабочего дня до предельного срока по закону (14 в Кыргызстане, 15 в Казахстане).
err-retention-days-invalid = Срок хранения должен быть от 30 до 3650 дней.
err-numbering-invalid = Нумерация в журнале должна начинаться заново 1 января или с допустимой даты учебного года.

## Public side of the box
box-name = Ящик доверия
quick-exit = Быстрый выход
footer-privacy = Ваше письмо читают только социальный педагог школы и комиссия ящика доверия. Мы не храним ваш интернет-адрес и данные о вашем устройстве и не используем файлы cookie.
helplines-title = Нужна помощь прямо сейчас?
helplines-intro = Звонки на эти номера бесплатные, там отвечают днём и ночью. Называть своё имя не нужно.
helpline-kg-111 = детский телефон доверия (бесплатно, круглосуточно)
helpline-kz-111 = линия защиты детей (бесплатно, круглосуточно)
helpline-kz-150 = телефон доверия для детей и молодёжи (бесплатно, круглосуточно)
helpline-112 = экстренные службы
helpline-102 = полиция (милиция)
school-lead = Здесь можно написать в ящик доверия своей школы. Своё имя можно не указывать.
school-write = Написать письмо
school-follow-up = Прочитать ответ
school-how-title = Как работает ящик доверия
school-how-1 = Напишите о том, что вас тревожит: о травле, насилии, несправедливости, коррупции. Можно задать вопрос или предложить идею.
school-how-2 = Письма читают только социальный педагог и комиссия ящика доверия. Они хранят их в тайне.
school-how-3 = Вы получите ответ в течение { $days ->
        [one] { $days } рабочего дня
        [few] { $days } рабочих дней
        [many] { $days } рабочих дней
       *[other] { $days } рабочего дня
    }.
school-how-4 = Если вы не указали имя, ответ появится на стенде и здесь — по коду вашего письма. Если вы подписали письмо, ответ придёт вам лично.
school-how-5 = Письма и ответы на них хранятся один год, а потом уничтожаются.
school-opening-title = Когда открывают ящик в школе
school-phone-title = Телефон доверия школы
write-title = Написать письмо
write-intro = Его прочитают только социальный педагог школы и комиссия. Некоторые поля можно оставить пустыми — это нормально.
write-who = Кто пишет?
write-category = О чём письмо?
write-choose = (выберите)
write-text = Ваше письмо
write-text-hint = до { $max ->
        [one] { $max } символа
        [few] { $max } символов
        [many] { $max } символов
       *[other] { $max } символа
    }
write-date = Дата написания
write-sign = Ваше имя
write-anonymous = Остаться анонимным (никто не узнает, кто написал)
write-signed = Подписать письмо
write-signed-hint = Заполняйте эти поля, только если подписываете письмо; все они необязательные.
write-name = Имя
write-age = Возраст
write-class = Класс
write-address = Адрес
write-phone = Телефон
write-email = Электронная почта
write-answer = Как вы хотите получить ответ?
write-files = Файлы (фото, документ, запись голоса)
write-files-hint = до { $max ->
        [one] { $max } файла
        [few] { $max } файлов
        [many] { $max } файлов
       *[other] { $max } файла
    }, каждый не больше 10 МБ
write-submit = Отправить письмо
write-reattach = Ради вашей безопасности файлы не сохраняются, если в форме есть ошибка. Прикрепите их ещё раз:
receipt-title = Ваше письмо получено
receipt-intro = Ваше письмо надёжно сохранено. Школа: { $school }
receipt-code-label = Код вашего письма:
receipt-keep = Запишите этот код или сфотографируйте его. Он показывается только сейчас, и только по нему можно прочитать ответ. Никому его не показывайте.
receipt-number = Номер в журнале
receipt-deadline = Срок ответа
receipt-files = Прикреплено файлов
receipt-print = Эту страницу можно также распечатать.
receipt-next-anonymous = Ответ появится на стенде в школе и здесь, когда вы введёте свой код.
receipt-next-signed = Ответ придёт вам лично; его также можно прочитать здесь по вашему коду.
receipt-back = Вернуться на страницу школы
follow-up-title = Прочитать ответ на письмо
follow-up-intro = Введите код из 16 цифр, который вы получили, когда отправили письмо.
follow-up-code = Код письма
follow-up-open = Открыть
follow-up-code-required = Введите свой код.
follow-up-code-format = В коде 16 цифр, например 1234-5678-9012-3456. Проверьте его и попробуйте ещё раз.
follow-up-not-found = Письма с таким кодом нет. Проверьте цифры и попробуйте ещё раз.
follow-up-blocked = Слишком много неверных кодов. Попробуйте ещё раз через { $minutes ->
        [one] { $minutes } минуту
        [few] { $minutes } минуты
        [many] { $minutes } минут
       *[other] { $minutes } минуты
    }.
follow-up-school = Школа
follow-up-received = Получено
follow-up-status = Статус
follow-up-conversation = Письмо и ответы
follow-up-from-school = Школа
follow-up-from-you = Вы
follow-up-files = Файлы
follow-up-reply = Написать ответ
follow-up-send = Отправить
follow-up-sent = Ваш ответ отправлен.
err-appeal-closed = Это письмо закрыто. Напишите, пожалуйста, новое письмо.
err-file-too-large = Один из файлов больше 10 МБ. Уменьшите его или отправьте отдельно.
err-file-empty = Один из файлов пустой.
err-file-type = Такой файл отправить нельзя. Можно отправлять фото (JPEG, PNG), документы PDF или записи голоса.
err-file-broken = Один из файлов повреждён, его не удаётся открыть. Сохраните его заново и прикрепите ещё раз.
err-files-too-many = К одному письму можно прикрепить не больше 5 файлов.
err-too-many-submissions = Отсюда отправили слишком много писем за короткое время. Подождите несколько минут и отправьте ещё раз; ваш текст сохранён ниже.
err-not-saved = Сейчас не удалось сохранить письмо, поэтому оно не отправлено. Всё, что вы написали, сохранено ниже: нажмите «Отправить письмо» ещё раз через минуту. Файлы нужно прикрепить заново.

## Staff: letters
nav-inbox = Письма
school-public-page = Публичная страница
inbox-title = Письма — { $school }
inbox-status = Статус
inbox-category = Тема
inbox-channel = Канал поступления
inbox-received = Получено
inbox-deadline = Срок ответа
inbox-urgent = срочное
inbox-overdue = просрочено
inbox-urgent-only = Только срочные
inbox-overdue-only = Только просроченные
inbox-assignee = Исполнитель
inbox-overdue-forwards = Передачи с истёкшим сроком рассмотрения
school-audit-title = Журнал аудита — { $school }
inbox-filter = Показать
inbox-empty = Подходящих писем нет.
filter-any = (все)
appeal-title = Письмо № { $number }
appeal-back = Все письма
appeal-risks = Возможная опасность
appeal-author-type = Автор
appeal-anonymous = анонимно
appeal-text = Текст письма
appeal-files = Файлы
appeal-no-messages = Сообщений пока нет.
appeal-author = Автор
appeal-staff = Сотрудник
appeal-reply = Сообщение автору
appeal-reply-hint = Автор прочитает его по коду письма. Не указывайте имена других учеников.
appeal-send = Отправить автору
settings-title = Настройки школы
settings-saved = Настройки сохранены.
settings-answer-days = Срок ответа (рабочих дней)
settings-numbering = Нумерация в журнале начинается заново
settings-numbering-calendar = 1 января
settings-numbering-school = 1 сентября (учебный год)
settings-phone-numbers = Номера телефона доверия
settings-phone-hours = Часы работы телефона доверия
settings-opening = График вскрытия ящика доверия
settings-save = Сохранить
err-setting-too-long = Не более 1000 символов.
tokens-title = API-токены
tokens-intro = Токен позволяет другой системе (телефонной станции, боту) передавать письма в журнал этой школы. Выдавайте каждой системе отдельный токен.
tokens-new = Новый токен (показывается только сейчас):
tokens-label = Название системы
tokens-created = Создан
tokens-revoke = Отозвать
tokens-revoked = отозван
tokens-create = Создать токен
err-token-label = Укажите название системы (не более 100 символов).

## E-mails
mail-urgent-subject = Срочное письмо № { $number } в ящике доверия
mail-urgent-body = В ящик доверия поступило срочное письмо № { $number }. Откройте его: { $link }

## API errors
error-bad-json = Запрос не является корректным JSON документированного вида
error-unknown-school = Школы с таким кратким именем нет.
error-bad-token = API-токен недействителен для этой школы.
error-token-required = Указывать канал или время поступления могут только системы с API-токеном школы.
err-channel-unknown = Неизвестный канал: используйте web, phone, voicemail, email, in_person или paper.
err-received-at-invalid = Время поступления должно быть в формате RFC 3339 и не в будущем.

## Staff: case work
appeal-summary = Краткое содержание
appeal-assigned = Ответственный сотрудник
appeal-board-text = Текст на стенде
appeal-forwards = Куда передано
appeal-work = Работа с письмом
forward-body = Организация-исполнитель
forward-sent = Дата передачи
forward-deadline = Срок рассмотрения
forward-outcome = Результат
forward-outcome-text = Что сделала или решила организация
forward-outcome-submit = Записать результат
forward-title = Передать в организацию-исполнитель
forward-submit = Передать
answer-title = Ответ
answer-kind = Способ ответа
answer-personal = Лично (фиксируется здесь)
answer-board = На стенде
answer-meeting = На собрании (совет мальчиков или девочек, общее собрание)
answer-text = Ответ
answer-board-text = Текст для стенда
answer-board-hint = Никогда не публикуйте само письмо и имена: на стенде видны только дата и время письма и этот текст.
answer-send-email = Также сообщить автору по электронной почте, что его ждёт ответ
answer-submit = Записать ответ
measures-text = Принятые меры / результат
measures-submit = Записать меры
status-title = Статус
status-next = Новый статус
status-reason = Причина
status-reason-hint = обязательна для статуса «Не является обращением» (спам, дубликат)
status-submit = Изменить статус
summary-title = Краткое содержание в журнале
summary-text = Исправленное краткое содержание
summary-submit = Исправить журнал
note-title = Служебная заметка
note-text = Заметка (видят только сотрудники)
note-submit = Добавить заметку
assign-title = Назначить ответственного
assign-user = Сотрудник
assign-submit = Назначить
history-title = История
history-at = Когда
history-registered = зарегистрировано
history-status = статус
history-forwarded = передано
history-outcome = результат рассмотрения
history-answered = дан ответ
history-measures = Принятые меры
history-correction = исправлено в журнале
history-board = текст для стенда
history-note = заметка
body-administration = Администрация школы
body-pedagogical-council = Педагогический совет
body-directors-meeting = Совещание при директоре
body-juvenile-inspector = Инспектор по делам несовершеннолетних
body-child-rights = Орган по защите прав детей
err-status-unknown = Выберите статус из списка.
err-status-transition = Из текущего статуса перейти в этот невозможно.
err-reason-required = Укажите причину (спам, дубликат, …).
err-assignee-unknown = Выберите сотрудника этой школы.
err-answer-kind = Выберите способ ответа на письмо.
err-board-personal = Автор просил ответить ему лично: не публикуйте ответ на стенде.
err-no-author-email = Автор не указал адрес электронной почты.
err-body-required = Выберите организацию-исполнителя.
err-deadline-invalid = Укажите срок рассмотрения в виде даты.
err-deadline-past = Срок рассмотрения не может быть в прошлом.
err-deadline-legal-limit = Срок рассмотрения превышает установленный законом предельный срок для этого письма.
err-forward-unknown = Эта передача не открыта.
mail-answer-subject = Ответ на ваше письмо № { $number }
mail-answer-body = Школа ответила на ваше письмо № { $number } в ящик доверия. Прочитать ответ можно по коду вашего письма здесь: { $link }

## Staff: the journal
nav-journal = Журнал
journal-title = Журнал регистрации обращений
journal-from = С
journal-to = По
journal-col-number = Порядковый номер
journal-col-received = Дата и время поступления
journal-col-author = Ф. И. О. и возраст заявителя или «анонимно»
journal-col-contact = Адрес, контактный телефон
journal-col-summary = Краткое содержание обращения
journal-col-category = Тема
journal-col-forwarded = Куда направлено, срок рассмотрения
journal-col-answered = Дата ответа
journal-col-measures = Принятые меры / результат
journal-chain = В цепочке { $count ->
        [one] { $count } запись
        [few] { $count } записи
        [many] { $count } записей
       *[other] { $count } записи
    }. Итоговый хеш:
journal-anonymous = анонимно
journal-corrected-on = исправлено { $date }
journal-until = до
journal-destroyed = содержание уничтожено по истечении срока хранения

## E-mails: deadlines
mail-reminder-subject = Напоминание: на письмо { $number } нужно ответить завтра
mail-reminder-body = Срок ответа на письмо { $number } в ящике доверия — { $deadline }. Открыть: { $link }
mail-overdue-subject = Просрочено: на письмо { $number } не ответили вовремя
mail-overdue-body = На письмо { $number } в ящике доверия нужно было ответить до { $deadline }, но оно всё ещё открыто. Открыть: { $link }

## Staff: calendar
calendar-title = Календарь рабочих дней
calendar-intro = Сроки исчисляются в рабочих днях. Праздничные дни и переносы выходных дней, установленные в стране, уже учтены; даты, отмеченные как предварительные (праздники по лунному календарю или ещё не установленные официально), необходимо проверить. Изменения, действующие в школе, вносятся здесь.
calendar-day = Дата
calendar-kind = Тип
calendar-note = Примечание
calendar-day-off = выходной день
calendar-working = рабочий день
calendar-working-holiday = праздник, но рабочий день
calendar-remove = удалить изменение школы
calendar-own = изменение школы
calendar-estimate = предварительно, проверьте
err-calendar-kind = Выберите, является ли день выходным или рабочим.

## Staff: outgoing mail
nav-mail = Исходящая почта
mail-admin-title = Исходящая почта
mail-admin-intro = Письма ожидают здесь, пока их не примет почтовый сервер. После неудачной попытки отправка повторяется через 1, 2, 4 … минуты, но не реже раза в час, в течение примерно суток. Текст обращения в письма никогда не включается.
mail-admin-pending = Ожидают отправки
mail-admin-failed = Отправка прекращена
mail-admin-sent = Отправлено
mail-admin-last-sent = Последняя доставка
mail-admin-never = никогда
mail-admin-last-error = Последняя ошибка почтового сервера
mail-admin-no-error = нет
mail-admin-undelivered = Недоставленные письма
mail-admin-empty = Все письма доставлены.
mail-admin-more = Показаны только 200 самых ранних писем.
mail-admin-created = Поставлено в очередь
mail-admin-kind = Тип
mail-admin-recipient = Получатель
mail-admin-attempts = Попытки
mail-admin-next = Следующая попытка
mail-admin-error = Последняя ошибка
mail-admin-given-up = отправка прекращена

## Answer board
board-title = Стенд ответов
board-intro = Здесь ответы на письма, авторы которых не указали своё имя. У каждого ответа видно только, когда пришло письмо, и его номер — найдите свой ответ по дате и времени, когда вы писали письмо, или прочитайте его по своему коду.
board-empty = Сейчас на стенде нет ответов.
board-letter-ref = Письмо от { $when } (№ { $number })
board-invitation = Автора письма от { $when } приглашают на личную беседу с социальным педагогом. Приходите, когда вам удобно; никто больше не узнает зачем.
board-published = на стенде с { $date }
board-kind = Вид
board-text = Текст
board-until = На стенде до
board-withdraw = Снять со стенда
board-not-shown = не показывается
board-kind-answer = ответ
board-kind-invitation = приглашение на беседу
board-invitation-short = приглашение на личную беседу
invite-title = Пригласить автора на беседу
invite-hint = На стенде появится: «Автора письма от <дата, время> приглашают на личную беседу с социальным педагогом». Больше ничего о письме не показывается.
invite-submit = Опубликовать приглашение
err-invite-signed = Автор подписал письмо: свяжитесь с ним лично, а не через стенд.

## Staff: reports
nav-reports = Отчёты
nav-rollup = Статистика: { $unit }
report-title = Аналитический отчёт — { $school }
rollup-title = Статистика — { $unit }
report-period = Период
report-period-hint = квартал, например 2026-Q1, или месяц, например 2026-03
report-period-line = Период: { $period }
report-previous-line = в сравнении с { $period }
report-total = Всего
report-appeals = Поступило писем
report-anonymous-signed = Анонимные и подписанные
report-signed = подписанные
report-timeliness = Своевременность ответов
report-on-time = ответ дан в срок
report-late = ответ дан с опозданием
report-overdue-open = открыто, срок истёк
report-open-in-time = открыто, срок не истёк
report-with-measures = письма с принятыми мерами
report-item = Показатель
report-count = Количество
report-previous = Предыдущий период
report-change = Изменение
rollup-suppressed = Числа меньше 5 показаны как «<5», чтобы никого из учеников нельзя было узнать.
err-period-invalid = Укажите период как квартал (2026-Q1) или месяц (2026-03).
err-period-future = Этот период ещё не начался; отчёт составляется только за прошедшее и текущее время.

## Staff: report submission
report-submitted = Сдан директору: { $when }
report-not-submitted = Ещё не сдан директору; срок — { $due }.
report-submit = Отметить как сданный директору
mail-report-due-subject = Подходит срок квартального отчёта { $period } по ящику доверия
mail-report-due-body = Аналитический отчёт по ящику доверия за { $period } нужно сдать до { $due }. Открыть: { $link }

## Staff: trust phone
nav-calls = Телефон доверия
calls-title = Телефон доверия: запись звонка
calls-intro = Запишите звонок, пока всё свежо в памяти. Он регистрируется в журнале с каналом «Телефон доверия»; дальше с ним работает ответственное лицо.
calls-received-at = Когда был звонок
calls-anonymous = Звонивший не назвал имя
calls-named = Звонивший назвал имя
calls-content = Что сказал звонивший (краткое содержание)
calls-submit = Зарегистрировать звонок
calls-saved = Звонок зарегистрирован под номером { $number }.
err-call-time = Укажите дату и время звонка; они не могут быть в будущем.

# staff-contact
contact-title = Настройки связи
contact-email = Адрес электронной почты
contact-email-hint = На этот адрес приходят срочные письма, напоминания и эскалации. Оставьте поле пустым, чтобы ничего не получать.
contact-reachable = Уведомления приходят вам по электронной почте на { $email }.
contact-none-warn = Адрес электронной почты не указан: срочные письма, напоминания и эскалации не могут до вас дойти.
contact-save = Сохранить адрес
contact-saved = Адрес сохранён. Отправьте себе проверочное письмо, чтобы убедиться, что почта доходит.
contact-removed = Адрес удалён: уведомления вам больше не приходят.
contact-test = Отправить мне проверочное письмо
contact-test-intro = Проверьте, что почта до вас доходит: проверочное письмо уходит через очередь исходящей почты, как настоящее уведомление, обычно в течение минуты.
contact-test-sent = Проверочное письмо отправлено и обычно приходит в течение минуты. Если его нет, загляните в папку «Спам» и попросите администратора проверить страницу исходящей почты.
contact-test-wait = Вы отправляли проверочное письмо меньше минуты назад. Подождите минуту и попробуйте снова.
contact-test-no-email = Сначала сохраните адрес электронной почты, затем отправьте проверочное письмо.
contact-change = Изменить адрес электронной почты
contact-column = Уведомления
contact-by-email = Эл. почта ✓ { $email }
contact-unreachable = нет: связаться нельзя
err-staff-email-invalid = Это не адрес электронной почты. Напишите его в виде name@school.kg или оставьте поле пустым.
mail-contact-test-subject = Ящик доверия: проверочное письмо
mail-contact-test-body = Это проверочное письмо ящика доверия. Срочные письма, напоминания и эскалации будут приходить вам на этот адрес. Ваши настройки связи: { $link }
contact-warning-title = Оповестить некого
contact-warning-school = Ни у одного ответственного лица этой школы нет адреса электронной почты: срочные письма, напоминания и эскалации никому не приходят.
contact-warning-admin = В этих школах ни у одного ответственного лица нет адреса электронной почты: срочные письма, напоминания и эскалации никому не приходят.
contact-warning-do = Ответственное лицо указывает свой адрес в разделе «Моя учётная запись → Настройки связи»; администратор — на странице сотрудника в разделе «Учётные записи сотрудников».
contact-warning-self = Указать мой адрес электронной почты
contact-warning-users = Учётные записи сотрудников

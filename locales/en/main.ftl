# Trustbox — English. Every message here must exist in ky, kk and ru too (a test checks).

## Common
skip-to-content = Skip to content
language-label = Language
language-apply = Apply
logout = Log out
nav-label = Staff menu
nav-dashboard = Overview
nav-units = Organisation
nav-unit-new = New school or unit
nav-users = Staff accounts
nav-user-new = New account
nav-audit = Audit log
form-has-errors = Some fields need attention; see the messages next to them. Nothing you typed was lost.

## Errors
error-not-found-title = Page not found
error-not-found-text = This page does not exist, or you may not see it. Check the address, or go back to the start.
error-csrf-title = The form has expired
error-csrf-text = For your safety the form could not be sent (it was open too long, or you logged out meanwhile). Go back, reload the page and send it again.
error-conflict-title = Changed by someone else
error-conflict-text = Someone else changed this record while you were editing it. Nothing was overwritten: reload the page, check their change and make yours again.
error-refused-title = This cannot be done
error-internal-title = Something went wrong on our side
error-internal-text = The request could not be completed. Nothing you sent was lost. Try again in a minute; if it keeps happening, tell the administrator the operation id below.
error-operation-id = Operation id: { $id }
error-go-home = Go to the start page
error-go-staff = Staff login
error-bad-form = The form could not be read. Reload the page and try again.

## Login and setup
login-title = Staff login
login-username = Username
login-password = Password
login-submit = Log in
login-error-wrong = Wrong username or password. Check both and try again.
login-error-locked = Too many failed attempts: this account is locked for { $minutes } minutes. Try again later, or ask the administrator for a new setup link.
login-error-expired = The login form had expired. Enter your password again.
setup-title = Set your password
setup-intro = Choose the password for your Trustbox account. This link works once.
setup-password = New password
setup-password-hint = At least 10 characters; a few unrelated words are easy to remember and hard to guess.
setup-password-confirm = The same password again
setup-submit = Save password
setup-invalid = This setup link is not valid: it was used already or has expired. Ask the administrator for a new one.
setup-done = Your password is saved. Log in with it now.
err-password-short = The password is too short: use at least 10 characters.
err-password-mismatch = The two passwords differ. Type the same password twice.

## Public home
home-title = Trust box
home-intro = Write to your school's trust box: about bullying, violence, a violation of your rights, corruption, your worries or your ideas. You can stay anonymous. Choose your school.
home-schools = Schools
home-no-schools = No school has been set up yet.
home-staff-login = Staff login

## Staff overview
dashboard-title = Overview
dashboard-admin = Administration
dashboard-admin-text = Set up the organisation tree (country, region, district, school) and the staff accounts with their roles.
dashboard-my-schools = My schools
dashboard-no-schools = You hold no role in a school yet.
school-slug = Short name
school-staff = Staff

## Organisation
units-title = Organisation
units-empty = No units yet. Start with a country or a school.
unit-new-title = New school or unit
unit-kind = Kind
unit-parent = Belongs to
unit-no-parent = (top level)
unit-none = (none)
unit-slug = Short name for addresses
unit-slug-hint = Small Latin letters, digits and hyphens, e.g. school-9-osh. It appears in the school's public address.
unit-country = Country
unit-name = Name
unit-name-ky = Name in Kyrgyz
unit-name-kk = Name in Kazakh
unit-name-ru = Name in Russian
unit-name-en = Name in English
unit-default-lang = Language of documents
unit-time-zone = Time zone
unit-create = Create
kind-country = Country
kind-region = Region
kind-district = District
kind-school = School
country-kg = Kyrgyzstan
country-kz = Kazakhstan
err-kind-unknown = Choose the kind of unit.
err-country-unknown = Choose the country.
err-country-parent = The country must be the same as that of the unit it belongs to.
err-parent-unknown = Choose a unit from the list.
err-parent-kind = A unit of this kind cannot belong there (country › region › district › school).
err-lang-unknown = Choose a language from the list.
err-time-zone-unknown = Choose a time zone from the list.
err-unit-name-required = Give the name at least in the language of documents.
err-unit-name-too-long = A name may have at most 200 characters.
err-slug-taken = This short name is used by another unit already; choose another.

## Staff accounts
users-title = Staff accounts
user-new-title = New staff account
user-username = Username
user-display-name = Full name
user-lang = Language
user-is-admin = Installation administrator
user-first-role = Role (optional)
user-role = Role
user-unit = Where
user-roles = Roles
user-no-roles = No roles yet.
user-role-add = Add role
user-role-remove = Remove
user-create = Create account
user-state = State
user-active = active
user-pending = waiting for the password to be set
user-disabled = disabled
user-setup-link-intro = Give this one-time link to the person, in person or by phone; they set their own password with it. It is shown only now.
user-reset-intro = A forgotten password: make a new one-time link for this person. Their current sessions end when they use it.
user-reset = Make a new setup link
role-none = (no role yet)
err-username-invalid = The username needs 3 to 40 small Latin letters, digits, dots, hyphens or underscores.
err-username-taken = This username is taken; choose another.
err-display-name-required = Give the person's full name.
err-role-unknown = Choose a role from the list.
err-role-unit-kind = Analysts work on a country, region or district; every other role belongs to a school.

## Roles
role-responsible = Responsible person (social pedagogue)
role-commission = Commission member
role-director = Director
role-operator = Trust phone operator
role-analyst = Analyst

## Audit
audit-title = Audit log
audit-intro = Every change and every view of personal data, newest first. The log is chained by hashes; `trustbox verify` checks it.
audit-at = When (UTC)
audit-actor = Who
audit-action = What
audit-object = Object
audit-detail = Detail

## Appeal vocabulary
author-pupil = Pupil
author-parent = Parent or legal representative
author-teacher = Teacher
author-other = Other
category-bullying = Bullying
category-violence = Violence
category-rights = Violation of child rights
category-corruption = Corruption
category-psychological = Psychological help
category-study = Studies
category-suggestion = Suggestion
category-question = Question
category-other = Other
answer-via-board = On the answer board
answer-via-personal = Personally
answer-via-email = By e-mail
channel-web = Website
channel-phone = Trust phone
channel-voicemail = Voicemail
channel-email = E-mail
channel-in-person = In person
channel-paper = Paper letter (box)
status-new = New
status-in-work = In work
status-forwarded = Forwarded
status-answered = Answered
status-closed = Closed
status-not-an-appeal = Not an appeal
risk-self-harm = Self-harm
risk-suicide = Suicide
risk-sexual-abuse = Sexual abuse
risk-violence = Violence
risk-weapon = Weapon

## Appeal form errors
err-author-required = Please choose who is writing.
err-author-unknown = This kind of author is not known; choose one from the list.
err-category-required = Please choose what the letter is about.
err-category-unknown = This topic is not known; choose one from the list.
err-text-empty = Please write your letter: the text is empty.
err-text-too-long = The letter is too long (at most 10,000 characters). Shorten it, or send the rest as a second letter.
err-written-on-invalid = The date of writing is not a valid date.
err-written-on-future = The date of writing cannot be in the future.
err-written-on-too-old = The date of writing is more than a year ago.
err-answer-via-unknown = Choose how you want to get the answer.
err-answer-via-needs-signature = An anonymous letter is answered on the answer board or with your code. To get a personal or e-mail answer, sign the letter.
err-name-required = A signed letter needs your name. Give it, or choose to stay anonymous.
err-name-too-long = The name is too long (at most 200 characters).
err-age-out-of-range = The age must be a number from 5 to 120.
err-age-too-long = The age is too long (at most 20 characters).
err-class-too-long = The class is too long (at most 20 characters).
err-address-too-long = The address is too long (at most 300 characters).
err-phone-invalid = The phone number is not valid: use digits, spaces, +, - and brackets, 5 to 20 digits.
err-email-invalid = The e-mail address is not valid.
err-email-required = To get the answer by e-mail, give your e-mail address.
err-slug-invalid = The short name may use small Latin letters, digits and single hyphens, 2 to 40 characters, starting with a letter.
err-slug-reserved = This short name is reserved; choose another.
err-answer-days-limit = The answer period must be from 1 working day up to the legal limit (14 in Kyrgyzstan, 15 in Kazakhstan).
err-retention-days-invalid = The retention period must be from 30 to 3650 days.
err-numbering-invalid = The journal numbering must restart on 1 January or on a valid date of the school year.

# security: messages of this feature area (en)

## Login throttling and the second step
login-error-source-locked = Too many failed logins from this network. Try again in { $minutes } minutes.
mfa-too-many-codes = Too many wrong codes. Log in again with your password.
mfa-code-title = Two-step check
mfa-code-label = Code
mfa-code-hint = six digits from your authenticator app, or one of your recovery codes
mfa-code-submit = Confirm
mfa-code-wrong = This code is wrong or was already used. Type the code your app shows now.
mfa-back-to-login = Back to login

## Two-factor enrolment
mfa-title = Two-factor authentication
mfa-enrol-required = Your role requires two-factor authentication. Set it up now to continue.
mfa-enrol-intro = With two-factor authentication, logging in needs your password and a code from your phone, so a stolen password alone is not enough.
mfa-enrol-step-app = Install an authenticator app on your phone (for example FreeOTP, Aegis or Google Authenticator).
mfa-enrol-step-scan = In the app, add an account and scan this QR code:
mfa-enrol-qr-label = QR code for the authenticator app
mfa-enrol-secret = Or type this key into the app:
mfa-enrol-step-code = Type the six-digit code the app now shows, to confirm.
mfa-enrol-submit = Turn on two-factor authentication
mfa-enabled = Two-factor authentication is on.
mfa-recovery-title = Your recovery codes
mfa-recovery-intro = Write these ten recovery codes down and keep them somewhere safe. Each works once, instead of a code from the app, if you lose your phone. They are shown only now.
mfa-continue = Continue
mfa-state-on = Two-factor authentication is on.
mfa-state-off = Two-factor authentication is off.
mfa-codes-left = Unused recovery codes: { $count }.
mfa-manage = Manage two-factor authentication
mfa-recovery-renew-title = New recovery codes
mfa-recovery-renew-intro = Makes ten new recovery codes; the old ones stop working. Type a code from your app to confirm.
mfa-recovery-renew = Make new recovery codes
mfa-disable-title = Turn off two-factor authentication
mfa-disable = Turn off
mfa-disabled = Two-factor authentication is off now.
mfa-required-cannot-disable = Your role requires two-factor authentication: it cannot be turned off.
mfa-admin-reset-intro = If the person lost their phone and their recovery codes, turn it off: their sessions end and they set it up again at their next login.
mfa-admin-reset = Turn off this person's two-factor authentication

## My account
nav-account = My account
account-title = My account
account-password-title = Password
account-password-change = Change my password
account-password-current = Current password
account-password-sessions = Your other sessions end when the password is changed.
account-password-changed = Your password is changed. Your other sessions have ended.
account-current-wrong = The current password is wrong.
account-password-same = The new password is the same as the current one. Choose another.

## Password strength
err-password-long = The password is too long: use at most 200 characters.
err-password-weak = This password is too easy to guess.
pw-warn-keyboard-rows = Straight rows of keys are easy to guess.
pw-warn-keyboard-short = Short keyboard patterns are easy to guess.
pw-warn-repeats = Repeats like "aaa" are easy to guess.
pw-warn-repeated-groups = Repeats like "abcabcabc" are hardly harder to guess than "abc".
pw-warn-common = This is one of the most common passwords.
pw-warn-similar-common = This is similar to a commonly used password.
pw-warn-sequences = Sequences like "abc" or "6543" are easy to guess.
pw-warn-years = Recent years are easy to guess.
pw-warn-single-word = A word by itself is easy to guess.
pw-warn-dates = Dates are easy to guess.
pw-warn-names = Names and surnames, and your own username or school, are easy to guess.
pw-hint-few-words = Use three or four unrelated words; avoid common phrases.
pw-hint-no-symbols-needed = No need for symbols, digits or capital letters.
pw-hint-another-word = Add another word or two; unusual words are better.
pw-hint-capitals = Capital letters do not help much.
pw-hint-reversed = Words written backwards are not much harder to guess.
pw-hint-substitutions = Predictable substitutions like "@" for "a" do not help much.
pw-hint-keyboard = Use a longer keyboard pattern with more turns.
pw-hint-repeats = Avoid repeated words and characters.
pw-hint-sequences = Avoid sequences.
pw-hint-years = Avoid years and dates connected with you.

## Administrator: security settings and sessions
nav-security = Security
security-title = Security settings
security-mfa-roles = Two-factor authentication is required for
security-mfa-roles-hint = People with a ticked role must set up two-factor authentication at their next login before they can do anything else.
security-save = Save
security-saved = The security settings are saved.
mfa-role-admin = Installation administrators
sessions-title = Active sessions
sessions-none = No active sessions.
sessions-created = Logged in
sessions-last-seen = Last activity
sessions-revoke = End session
sessions-revoke-all = End all sessions

# harden-admin
nav-grants = Roles to confirm
grant-pending = waiting for confirmation
grant-by-cli = the command line on the server
grant-err-for-yourself = Nobody confirms or refuses a role given to themselves: the school's director or another administrator decides.
grant-err-own-grant = You gave this role yourself: the school's director or another administrator must confirm it.
grant-err-not-director = Only the school's director or an administrator may confirm or refuse this role.
grants-title = Roles waiting for confirmation
grants-intro = A role that lets someone read letters at a school, given by an administrator, allows nothing until the school's director or another administrator confirms it. Refuse a role you did not expect.
grants-none = No role is waiting for confirmation.
grants-person = Person
grants-asked-by = Given by
grants-decision = Decision
grants-confirm = Confirm
grants-refuse = Refuse
grants-waiting-title = Roles to confirm
grants-waiting-text = { $count ->
    [one] One role at your school waits for your confirmation.
   *[other] { $count } roles wait for your confirmation.
}
grants-waiting-open = Review
grants-mine-title = Your roles waiting for confirmation
grants-mine-text = These roles allow nothing yet: the school's director or an administrator must confirm them.
mail-grant-pending-subject = A role at { $school } waits for your confirmation
mail-grant-pending-body = { $admin } gave { $user } the role "{ $role }" at { $school }. The role allows nothing until you confirm it. If you did not expect it, refuse it: { $link }
err-received-at-too-old = The time received is too far in the past: it may be no earlier than the school's creation and at most a year ago.
err-received-at-future = The time received is in the future: check the clock of the sending system.
doc-report-complement = A count shown as “x” is hidden too, so that a small count cannot be worked out from the total.
# harden-http: storage faults and busy password checks
error-unavailable-title = Not available right now
error-unavailable-text = The server cannot read or save data at the moment; nothing was changed. Try again in a minute.
login-error-busy = Too many logins are being checked right now. Try again in a few seconds.

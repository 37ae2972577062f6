# Printed documents (journal, acts, protocols, reports, posters).

## Common to every printed document
# $page and $total arrive as markers the document fills in; keep both.
doc-page-of = Page { $page } of { $total }
doc-generated = Printed: { $date }
doc-anonymous = anonymous

## Registration journal
doc-journal-title = Registration journal of appeals
doc-journal-sheet = Journal
doc-journal-period = Period: { $period }
doc-journal-empty = No appeals were registered in this period.
doc-journal-count = Entries in the journal: { $count }.
doc-journal-final-hash = Final hash of the chain:
doc-col-number = Serial number
doc-col-received = Received (date and time)
doc-col-author = Author (name, age)
doc-col-contact = Address and phone
doc-col-summary = Short content
doc-col-category = Category
doc-col-forwarded = Executing body and review deadline
doc-col-answered = Date of answer
doc-col-measures = Measures taken
doc-col-note = Note

## Act of opening the trust box
# $date arrives as 27.10.2021, $time as 12:00; $number is the act's number.
doc-act-title = Act of opening the trust box and removing letters No { $number }
doc-act-lead = Opening of the trust box and removal of letters
doc-act-heading = Act No { $number }
doc-act-date = Date: { $date }
doc-act-time = Time: { $time }
doc-act-place = Location of the box: { $place }
doc-act-intro = We, the undersigned members of the commission for opening the trust box:
doc-act-opened = In accordance with the regulation on the trust box, the box for citizens' letters was opened on { $date } at { $time }.
doc-act-seal-intact = Before the opening, seal No { $seal } was intact and the box showed no mechanical damage.
doc-act-seal-damaged = Before the opening, seal No { $seal } was broken or the box showed mechanical damage.
doc-act-damage = Description of the damage: { $note }
doc-act-no-letters = No letters were found when the trust box was opened.
doc-act-letters-found = Letters removed from the trust box: { $count }. List of the letters removed:
doc-act-col-index = No
doc-act-col-from = From whom
doc-act-col-return = Return address
doc-act-col-written = Date written
doc-act-col-summary = Short content
doc-act-col-number = Journal number
doc-act-col-note = Note
doc-act-sealed-after = After the opening, the trust box was sealed with seal No { $seal } in the presence of all participants.
doc-act-signatures = Signatures of the commission members:
doc-act-signature = (signature)

## Protocol of a commission meeting
doc-protocol-title = Minutes of the trust box commission meeting No { $number }
doc-protocol-lead = Meeting of the trust box commission
doc-protocol-heading = Minutes No { $number }
doc-protocol-date = { $date }
doc-protocol-chair = Chair:
doc-protocol-secretary = Secretary:
doc-protocol-present = Present:
doc-protocol-invited = Invited:
doc-protocol-agenda = Agenda:
doc-protocol-heard = Heard:
doc-protocol-resolved = Resolved:
# $numbers: journal numbers joined by commas.
doc-protocol-linked = Appeals considered (journal numbers): { $numbers }
doc-protocol-signature = (signature)
## Answer board (the stand): answers identified by the letter's date and time only
doc-board-title = Answers from the trust box
doc-board-hint = Find your answer by the date and time of your letter. Names and the letters' texts are never published here.
doc-board-answer = Answer
doc-board-invitation = Invitation
doc-board-general = General answer
doc-board-invited = The author of this letter is invited to a personal conversation with the social pedagogue.
doc-board-published = Published: { $date }
doc-board-empty = No answers yet.

## Corridor poster
doc-poster-title = Trust box
doc-poster-lead = Is something worrying you? Write to us — you don't have to give your name.
doc-poster-steps-title = How to write
doc-poster-step1 = Write your letter. You need not give your name. Put the date and time on it.
doc-poster-step2 = Drop it in the trust box, or scan the QR code and write online.
doc-poster-step3 = Within 5 working days find the answer on the stand (by your letter's date and time) or online with your receipt code.
doc-poster-scan = Scan to write online
doc-poster-phone = Trust phone
doc-poster-hours = Hours: { $hours }
doc-poster-opening = The box is opened: { $schedule }
doc-poster-helplines = National child helplines
doc-poster-confidential = What you write stays confidential.

## Analytical report
doc-report-period = Reporting period: { $period }
doc-report-compared = Compared with: { $period }
doc-report-col-label = Indicator
doc-report-col-count = Count
doc-report-col-previous = Previous period
doc-report-col-change = Change
doc-report-empty = No data.
doc-report-sheet = Report
# $limit is the smallest count shown (5), $max the largest hidden one (4).
doc-report-suppressed = Small counts (1–{ $max }) are shown as “<{ $limit }” so that no pupil can be singled out.

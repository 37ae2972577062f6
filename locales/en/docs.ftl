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

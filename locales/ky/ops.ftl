# ops: messages of this feature area (ky)

# perf
perf-journal-page = { $pages } беттин { $page }-бети · мезгил ичиндеги кайрылуулар: { $total }
perf-journal-prev = Мурунку
perf-journal-next = Кийинки
inbox-page = { $page }-бет

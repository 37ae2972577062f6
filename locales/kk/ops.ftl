# ops: messages of this feature area (kk)

# perf
perf-journal-page = { $pages } беттің { $page }-беті · кезеңдегі өтініштер: { $total }
perf-journal-prev = Алдыңғы
perf-journal-next = Келесі
inbox-page = { $page }-бет

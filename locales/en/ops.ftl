# ops: messages of this feature area (en)

# perf
perf-journal-page = Page { $page } of { $pages } · appeals in the period: { $total }
perf-journal-prev = Previous
perf-journal-next = Next
inbox-page = Page { $page }

# ops: messages of this feature area (ru)

# perf
perf-journal-page = Страница { $page } из { $pages } · обращений за период: { $total }
perf-journal-prev = Предыдущая
perf-journal-next = Следующая
inbox-page = Страница { $page }

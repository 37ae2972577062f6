# Printed documents (journal, acts, protocols, reports, posters).

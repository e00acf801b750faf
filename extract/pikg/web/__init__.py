"""Web: the local server and the HTML pages of documents, projects and indicators."""

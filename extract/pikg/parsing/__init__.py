"""Parsing: lexicon, tokens, layouts, rows and targets, and the facts of a document."""

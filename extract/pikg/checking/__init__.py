"""Checking: the SHACL shapes run over mapped documents, their findings and reports."""

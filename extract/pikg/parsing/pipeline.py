"""Extraction: a document in, its facts, projects, indicator rows and unread lines out."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pikg.model import Extraction, Project
from pikg.parsing import concepts
from pikg.parsing import framework as framework_module
from pikg.parsing.facts import read_facts
from pikg.parsing.rows import BlockParser
from pikg.parsing.sections import blocks, named_projects
from pikg.reading.decode import Source, read_source, source_from_text


def _key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def extract_source(source: Source) -> Extraction:
    framework = framework_module.load()
    scheme = framework.scheme_of(source.text)
    facts = read_facts(source)
    rows = []
    unparsed = []
    projects: dict[str, Project] = {}
    for block in blocks(source):
        name = block.project.name if block.project else None
        parser = BlockParser(source, framework, scheme, facts.year, name)
        parser.parse(block.lines)
        rows.extend(parser.rows)
        unparsed.extend(parser.unparsed)
        if block.project is not None and (parser.rows or block.explicit):
            projects.setdefault(_key(block.project.name), block.project)
    for listed in named_projects(source):
        projects.setdefault(_key(listed), Project(name=listed))
    result = Extraction(
        doc=source.path,
        facts=facts,
        projects=list(projects.values()),
        rows=rows,
        unparsed=unparsed,
        digest=source.digest,
    )
    concepts.annotate(result)
    return result


def extract_file(path: Path | str) -> Extraction:
    """Extract one document; raises ``DocumentError`` with a one-line message on bad input."""
    return extract_source(read_source(path))


def extract_text(text: str, path: str = "<text>") -> Extraction:
    return extract_source(source_from_text(text, path))

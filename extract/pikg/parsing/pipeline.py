"""Extraction: a document in, its facts, projects, indicator rows and unread lines out."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pikg.model import DocumentMeta, Extraction, Project
from pikg.parsing import concepts
from pikg.parsing import framework as framework_module
from pikg.parsing.facts import form_projects, indicator_project, read_facts, titled_project
from pikg.parsing.rows import BlockParser
from pikg.parsing.sections import blocks, named_projects
from pikg.reading.decode import MAX_SIZE, Source, read_source, source_from_text
from pikg.reading.sidecar import meta_for


def _key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


class _Projects:
    """Projects in the order they are first named, one per name: a name that contains or is
    contained in one already known (库房消防设备改造安装工程 in 濮阳市档案馆库房…) is the same
    project."""

    def __init__(self) -> None:
        self.items: dict[str, Project] = {}

    def add(self, project: Project) -> None:
        key = _key(project.name)
        for known in self.items:
            if key in known or known in key:
                held = self.items[known]
                if held.amount is None and project.amount is not None:
                    held.amount, held.amount_unit = project.amount, project.amount_unit
                    held.amount_yuan = project.amount_yuan
                return
        self.items[key] = project


def extract_source(source: Source, meta: DocumentMeta | None = None) -> Extraction:
    framework = framework_module.load()
    scheme = framework.scheme_of(source.text)
    facts = read_facts(source, meta)
    rows = []
    unparsed = []
    projects = _Projects()
    for block in blocks(source):
        name = block.project.name if block.project else None
        parser = BlockParser(source, framework, scheme, facts.year, name)
        parser.parse(block.lines)
        rows.extend(parser.rows)
        unparsed.extend(parser.unparsed)
        if block.project is not None and (parser.rows or block.explicit):
            projects.add(block.project)
    # After the blocks, whose names the rows carry: a form's 项目名称 only adds its funds to
    # the project of the same name.
    for from_form in form_projects(source):
        projects.add(from_form)
    for listed in named_projects(source):
        projects.add(Project(name=listed))
    if not projects.items and (named := titled_project(source) or indicator_project(source)):
        projects.add(Project(name=named))
    result = Extraction(
        doc=source.path,
        facts=facts,
        projects=list(projects.items.values()),
        rows=rows,
        unparsed=unparsed,
        digest=source.digest,
    )
    concepts.annotate(result)
    return result


def extract_file(
    path: Path | str,
    meta: dict[str, DocumentMeta] | None = None,
    max_size: int = MAX_SIZE,
) -> Extraction:
    """Extract one document, with its row of ``meta`` (a ``--meta`` table) or its sidecar file;
    raises ``DocumentError`` with a one-line message on bad input (a file over ``max_size``
    bytes among them)."""
    return extract_source(read_source(path, max_size), meta_for(Path(path), meta))


def extract_text(text: str, path: str = "<text>") -> Extraction:
    return extract_source(source_from_text(text, path))

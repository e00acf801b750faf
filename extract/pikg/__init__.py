"""pikg: performance targets of Chinese budget disclosures as a linked-data knowledge graph.

The public API (see README): ``extract``, ``check`` and ``validate`` for batches of documents,
``Store`` for the persistent knowledge graph, the records they return, and ``PikgError``.
"""

__version__ = "0.1.0"

from pikg.api import Failure, Result, Store, Table, check, extract, validate
from pikg.errors import PikgError
from pikg.model import DocumentFacts, Extraction, IndicatorRow, Project, Unparsed
from pikg.parsing.pipeline import extract_file, extract_text

__all__ = [
    "DocumentFacts",
    "Extraction",
    "Failure",
    "IndicatorRow",
    "PikgError",
    "Project",
    "Result",
    "Store",
    "Table",
    "Unparsed",
    "__version__",
    "check",
    "extract",
    "extract_file",
    "extract_text",
    "validate",
]

"""pikg: performance targets of Chinese budget disclosures as a linked-data knowledge graph."""

from pikg.model import DocumentFacts, Extraction, IndicatorRow, Project, Unparsed
from pikg.parsing.pipeline import extract_file, extract_text

__version__ = "0.1.0"

__all__ = [
    "DocumentFacts",
    "Extraction",
    "IndicatorRow",
    "Project",
    "Unparsed",
    "__version__",
    "extract_file",
    "extract_text",
]

"""What the public SPARQL endpoint refuses before a query runs: federation (``SERVICE``).

A ``SERVICE <url>`` clause makes the query engine send a request to any URL, so any web page
the user visits could make pikg fetch anything through a GET to /sparql (SSRF). The keyword
is found by a scan that skips what the SPARQL grammar reads as one token — IRIs, strings and
comments — so ``"SERVICE"`` inside a literal or ``?service`` as a variable still run.
Updates never reach the engine: the endpoint only calls ``query``, never ``update``.
"""

from __future__ import annotations

import re

# In the order the SPARQL lexer would take them at one position: an IRI, a long string, a
# short string, a comment, a variable, a prefixed name, or one word.
_TOKEN = re.compile(
    r"""<[^<>"{}|^`\\\x00-\x20]*>"""
    r"""|'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\""""
    r"""|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*\""""
    r"""|\#[^\n\r]*"""
    r"""|[?$]\w+"""
    r"""|[\w.-]*:[\w.:%-]*"""
    r"""|(?P<word>[A-Za-z_]\w*)""",
    re.DOTALL,
)


def federation(query: str) -> bool:
    """Whether the query contains a SERVICE clause (as a keyword, not inside a token)."""
    return any(
        m.group("word") is not None and m.group("word").upper() == "SERVICE"
        for m in _TOKEN.finditer(query)
    )

"""Where a loaded document's time goes (issue 12): CPU ms per document for each stage a
``load`` worker runs (extract, map to RDF, convert to pyoxigraph, validate, the findings
graph, serialise to N-Quads) and for the calling process's store writes, both ways it writes
(a transaction per document, and the bulk loader ``BULK_DOCUMENTS`` at a time), on N
generated documents (``scale.generate``). With ``--profile STAGE``, the cProfile of that
stage (by CPU time) as well.

With --jobs 2 the two workers share the worker stages and the calling process does the
store writes beside them, so on two cores a batch takes about max(store, (worker +
store) / 2) per document.

usage: python bench/stages.py [--docs 300] [--folder DIR] [--profile validate]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import TypeVar

from scale import generate  # bench/ is on the path

T = TypeVar("T")
STAGES = ("extract", "map", "to-pyoxigraph", "validate", "findings", "serialise")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--folder", type=Path, default=None, help="documents (default: made)")
    parser.add_argument("--profile", choices=(*STAGES, "store"), default=None)
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="pikg-stages-"))
    if args.folder is None:
        generate(args.docs, folder)
    paths = sorted(folder.glob("*.txt"))[: args.docs]

    import pyoxigraph as ox

    from pikg import __version__
    from pikg.batch import DOCUMENTS_PER_TASK, _warm
    from pikg.checking.validate import Finding, findings_quads, validate_each
    from pikg.graph import iris
    from pikg.graph.mapping import extraction_quads, oxigraph_quads
    from pikg.parsing.pipeline import extract_file
    from pikg.storage.store import BULK_DOCUMENTS, SHARED_GRAPH, DocumentGraphs, Store

    _warm()  # what a worker inherits: the tokenizer, the ontology, the compiled shapes
    cpu = dict.fromkeys((*STAGES, "store"), 0.0)
    profile = cProfile.Profile(time.process_time)

    def stage(name: str, action: Callable[..., T], *arguments: object) -> T:
        if name == args.profile:
            profile.enable()
        t0 = time.process_time()
        value = action(*arguments)
        cpu[name] += time.process_time() - t0
        if name == args.profile:
            profile.disable()
        return value

    def findings_graph(findings: list[Finding], doc: str) -> list[ox.Quad]:
        return oxigraph_quads(findings_quads(findings, doc))

    results = [stage("extract", extract_file, path) for path in paths]
    each = [stage("map", extraction_quads, r, __version__) for r in results]
    quads = [stage("to-pyoxigraph", oxigraph_quads, rdf) for rdf in each]
    reports = [  # as a worker validates them: DOCUMENTS_PER_TASK together
        report
        for i in range(0, len(quads), DOCUMENTS_PER_TASK)
        for report in stage("validate", validate_each, quads[i : i + DOCUMENTS_PER_TASK])
    ]
    docs = []
    for result, data, report in zip(results, quads, reports, strict=True):
        doc = iris.disclosure(result, result.digest)
        data += stage("findings", findings_graph, report.findings, doc)
        text = stage("serialise", ox.serialize, data, None, ox.RdfFormat.N_QUADS) or b""
        names = {q.graph_name.value for q in data if isinstance(q.graph_name, ox.NamedNode)}
        graphs = tuple(sorted(names - {SHARED_GRAPH.value}))
        docs.append(DocumentGraphs(doc, PurePath(result.doc).name, graphs, text))

    n = len(docs)
    worker = sum(cpu[s] for s in STAGES)
    print(f"{n} documents, CPU ms per document:")
    for name in STAGES:
        print(f"  worker {name:14} {cpu[name] / n * 1000:6.1f}")
    print(f"  worker total          {worker / n * 1000:6.1f}")
    for how in ("transaction each", f"bulk, {BULK_DOCUMENTS} at a time"):
        store = Store(tempfile.mkdtemp(prefix="pikg-stages-store-"))
        store.load_vocabulary()
        cpu["store"] = 0.0

        def write(store: Store = store, how: str = how) -> None:
            if how == "transaction each":
                for doc in docs:
                    store.load_document(doc)
            else:
                for i in range(0, n, BULK_DOCUMENTS):
                    store.load_new_documents(docs[i : i + BULK_DOCUMENTS])
            store.flush()

        stage("store", write)
        print(f"  store  {how:22} {cpu['store'] / n * 1000:6.1f}")
    print(f"  end to end (bulk)     {(worker + cpu['store']) / n * 1000:6.1f}")
    if args.profile:
        pstats.Stats(profile).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()

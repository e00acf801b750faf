"""The built wheel carries the data folders: a missing .ttl fails here, not for a user."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import ROOT


def test_wheel_ships_ontology_and_data(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("pikg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("ontology", "shapes", "queries"):
        for path in (ROOT / folder).glob("*"):
            if path.suffix in (".ttl", ".rq"):
                assert f"pikg/{folder}/{path.name}" in names
    for data in ("cues.tsv", "regions.tsv"):
        assert f"pikg/data/{data}" in names
    assert "pikg/py.typed" in names

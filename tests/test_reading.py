from __future__ import annotations

from pathlib import Path

import pytest

from pikg.errors import DocumentError
from pikg.reading.decode import read_source, source_from_text

SAMPLE = "宜昌市卫生健康委员会\n产出指标 数量指标 培训人次 ≧3,500人次\n满意度 ＜＝80％"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_encodings_are_detected_from_content(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(SAMPLE.encode(encoding))
    source = read_source(path)
    assert source.original == SAMPLE


def test_full_width_and_look_alike_comparators_are_normalised() -> None:
    source = source_from_text(SAMPLE)
    assert "≥3,500人次" in source.text
    assert "<=80%" in source.text


def test_offsets_point_at_the_text_as_written() -> None:
    source = source_from_text("名称＜＝８０％")
    start = source.text.index("<=")
    assert source.raw(start, len(source.text)) == "＜＝８０％"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is empty"),
        (b"  \n\n ", "is empty"),
        (b"%PDF-1.7 binary", "is a PDF"),
        (b"PK\x03\x04xlsx", "spreadsheet"),
    ],
)
def test_bad_input_is_one_line_naming_the_file(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentError) as info:
        read_source(path)
    message = str(info.value)
    assert message.startswith(str(path)) and problem in message and "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        read_source(tmp_path / "absent.txt")


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])
def test_a_byte_order_mark_is_read_and_dropped(tmp_path: Path, bom: bytes) -> None:
    codec = {b"\xef\xbb\xbf": "utf-8", b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}[bom]
    path = tmp_path / "marked.txt"
    path.write_bytes(bom + "产出指标|数量指标|培训人数|≥100人\n".encode(codec))
    assert read_source(path).original == "产出指标|数量指标|培训人数|≥100人\n"

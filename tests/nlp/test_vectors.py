"""GloVe vectors read from the installed wheel without pyarrow."""

from __future__ import annotations

import pytest

from nlp.vectors import DIMENSIONS, dictionary_page_words, glove_vectors, snappy_decompress


def test_the_vocabulary_starts_with_the_most_frequent_words() -> None:
    vectors = glove_vectors()
    assert list(vectors.index)[:4] == ["the", ",", ".", "of"]
    assert len(vectors.index) == vectors.matrix.shape[0] > 90_000
    assert vectors.matrix.shape[1] == DIMENSIONS


def test_related_words_are_closer_than_unrelated_ones() -> None:
    vectors = glove_vectors()
    lonely, isolated, invoice = (vectors.mean([w]) for w in ("lonely", "isolated", "invoice"))
    assert float(lonely @ isolated) > float(lonely @ invoice) + 0.3


def test_unknown_and_stop_words_give_a_zero_vector() -> None:
    assert not glove_vectors().mean(["the", "qwzxv"]).any()


def test_snappy_literals_and_back_references_decode() -> None:
    # "abcabcabc": length 9, literal "abc", then copy 6 bytes from offset 3
    block = bytes([9, 0b10 << 2, ord("a"), ord("b"), ord("c"), 0b01 | (2 << 2), 3])
    assert snappy_decompress(block) == b"abcabcabc"


def test_a_file_that_is_not_parquet_is_refused() -> None:
    with pytest.raises(ValueError, match="not a Parquet file"):
        dictionary_page_words(b"PK\x03\x04 not parquet")

"""The seed article in seeds/ is the shared original, byte for byte, and the graph records which bytes it read."""

import hashlib

import pytest
from rdflib import Literal

from kg.rdf.namespaces import FP, FPR

# SHA-256 of ../shared/seeds/000_1fba2751172735c1.txt, the article as delivered.
ORIGINAL_SHA256 = "a7acf7906d961a13e0f32240377c56e57bb2204a26906a3e7e0875b1de7048d8"


def test_seed_copy_has_the_original_bytes(seed_text_path):
    """The copy in seeds/ hashes to the SHA-256 of the delivered article."""
    assert hashlib.sha256(seed_text_path.read_bytes()).hexdigest() == ORIGINAL_SHA256


def test_seed_copy_is_byte_identical_to_the_shared_original(seed_text_path, repo_root):
    """Where the shared original sits beside the repository, the copy equals it byte for byte."""
    original = repo_root.parent / "shared" / "seeds" / "000_1fba2751172735c1.txt"
    if not original.exists():
        pytest.skip("the shared seed folder is not beside this checkout")
    assert seed_text_path.read_bytes() == original.read_bytes()


def test_document_records_the_hash_and_source_of_its_text(union, seed_text_path):
    """The document node carries the text's SHA-256 and its repository-relative path."""
    doc = FPR["mibae-2018-china-north-korea"]
    assert union.value(doc, FP.sha256) == Literal(hashlib.sha256(seed_text_path.read_bytes()).hexdigest())
    assert union.value(doc, FP.sourceFile) == Literal("seeds/mibae-2018-china-north-korea.txt")

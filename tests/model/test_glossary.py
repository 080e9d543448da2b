"""The glossary file: every word a learner meets, readable, short, and found by search."""

import pytest

from nnstudio.model.document import DocumentError
from nnstudio.model.glossary import load_glossary, lookup

LEARNERS_WORDS = (
    "neuron weight bias activation sigmoid ReLU softmax loss MSE cross-entropy gradient "
    "backpropagation learning-rate epoch batch SGD momentum Adam AdaGrad overfitting "
    "regularisation L1 L2 dropout convolution pooling feature-map"
).split()


def test_the_shipped_glossary_explains_each_word_in_a_sentence_or_two():
    terms = load_glossary()
    for word in LEARNERS_WORDS:
        assert lookup(terms, word.replace("-", " ") if word != "cross-entropy" else word)
    assert [t.name.casefold() for t in terms] == sorted(t.name.casefold() for t in terms)
    for term in terms:
        assert 0 < term.text.count(". ") + term.text.endswith(".") <= 3, term.name
    assert lookup(terms, "backprop").name == "backpropagation"  # by another name


def test_search_finds_a_term_by_its_names_and_its_text():
    terms = load_glossary()
    assert [t.name for t in terms if t.matches("NESTEROV")] == ["momentum"]
    assert "SGD" in [t.name for t in terms if t.matches("stochastic")]


def test_a_broken_glossary_says_what_is_wrong(tmp_path):
    path = tmp_path / "glossary.toml"
    path.write_text('[[term]]\nname = "bias"\n', encoding="utf-8")
    with pytest.raises(DocumentError, match="term 1 has no 'text'"):
        load_glossary(path)
    path.write_text("[[term]\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="cannot read the glossary"):
        load_glossary(path)

"""The shipped glossary reads, its cross-references hold, and search finds by name
first."""

from nnstudio.model.glossary import glossary, matching


def test_every_entry_has_a_name_a_text_and_references_that_exist():
    terms = glossary()
    assert len(terms) >= 40
    for term in terms.values():
        assert term.name and term.text.endswith((".", ")"))
        assert set(term.see) <= set(terms), term.key
    names = [t.name.lower() for t in terms.values()]
    assert names == sorted(names)


def test_search_finds_every_word_and_puts_name_matches_first():
    terms = glossary()
    found = matching("adam", terms)
    assert found[0].key == "adam" and len(found) > 1  # also where Adam is mentioned
    assert [t.key for t in matching("ReLU", terms)][0] == "relu"
    assert matching("learning rate", terms)[0].key == "learning rate"
    assert matching("no such word", terms) == []

"""The pure search core: analysis of Chinese and English, the query cleaner on any input, synonyms, relaxation."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from search_helpers import BAD_INPUTS

from mercato.search.model import analyse, clean_query, expand_synonyms, is_safe_term, normalise, relaxations, tokenize
from mercato.search.model.analysis import stem
from mercato.search.model.query import synonym_table


def test_normalise_folds_full_width_to_half_width_and_lower_case() -> None:
    assert normalise("ＡＢＣ１２３　Ｘ") == "abc123 x"


def test_tokenize_segments_chinese_with_jieba_and_splits_latin_words() -> None:
    assert tokenize("华为手机 iPhones 15") == ["华为", "手机", "iphone", "15"]


def test_tokenize_drops_minimal_stop_words() -> None:
    assert tokenize("The case of 红色的 phone") == ["case", "红色", "phone"]


def test_the_light_stemmer_folds_english_plurals_only() -> None:
    assert [stem(w) for w in ["cases", "batteries", "boxes", "glass", "bus", "ios", "abc12s", "tea"]] == [
        "case", "battery", "box", "glass", "bus", "ios", "abc12s", "tea"]


def test_analyse_joins_the_terms_of_every_text_with_spaces() -> None:
    assert analyse("Phone Cases", "手机壳") == "phone case 手机 壳"


def test_clean_query_turns_operators_into_plain_words_or_nothing() -> None:
    assert clean_query('"iPhone" NEAR(case*) -red ^x:(y)').terms == ["iphone", "near", "case", "red", "x", "y"]


def test_clean_query_cuts_input_over_200_characters_and_says_so() -> None:
    cleaned = clean_query("ab " * 100)
    assert cleaned.truncated is True
    assert cleaned.terms == ["ab"]


def test_clean_query_keeps_at_most_twelve_distinct_terms() -> None:
    words = [f"w{i}" for i in range(20)]
    assert clean_query(" ".join(words + words)).terms == words[:12]


def test_clean_query_of_non_text_is_empty() -> None:
    assert clean_query(None).terms == []
    assert clean_query(42).terms == []


def test_every_bad_input_cleans_to_safe_terms() -> None:
    for raw in BAD_INPUTS:
        assert all(is_safe_term(term) for term in clean_query(raw).terms), raw


def test_synonyms_work_both_ways_and_put_the_query_term_first() -> None:
    table = synonym_table({"手机": ["Phones", "cellphone"]})
    assert expand_synonyms(["phone", "壳"], table) == [["phone", "手机", "cellphone"], ["壳"]]
    assert expand_synonyms(["手机"], table) == [["手机", "phone", "cellphone"]]


def test_relaxation_drops_the_rarest_term_first() -> None:
    assert relaxations(["red", "phone", "zzz"], {"red": 40, "phone": 90, "zzz": 0}) == [["red", "phone"], ["phone"]]


def test_relaxation_drops_the_last_term_first_among_equals() -> None:
    assert relaxations(["a1", "b2", "c3"]) == [["a1", "b2"], ["a1"]]
    assert relaxations(["one"]) == []


@settings(max_examples=300)
@given(st.text(max_size=400))
def test_the_cleaner_never_raises_and_yields_only_safe_terms(raw: str) -> None:
    cleaned = clean_query(raw)
    assert len(cleaned.terms) <= 12
    assert len(set(cleaned.terms)) == len(cleaned.terms)
    assert all(is_safe_term(term) and '"' not in term and " " not in term for term in cleaned.terms)


@settings(max_examples=150)
@given(st.text(alphabet=st.sampled_from("华为手机壳红色苹果abcXYZ 12-\"*:()ＡＢ"), max_size=60))
def test_tokenisation_is_deterministic(raw: str) -> None:
    assert tokenize(raw) == tokenize(raw)
    assert clean_query(raw) == clean_query(raw)

"""`nlu.parse`: intents, calibrated confidence, language and safety on any input."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import pytest

import nlu
from nlu.result import MAX_TEXT_LENGTH
from nlu.training_data import EVAL_DIR, INTENTS, read_dir

CLEAR_COMPLAINTS = [
    ("paani nahi aa raha 3 din se", "no_water", "hi-Latn"),
    ("पानी नहीं आ रहा है", "no_water", "hi"),
    ("no water in our tap since yesterday", "no_water", "en"),
    ("நல்லியில் தண்ணீர் வரவில்லை", "no_water", "ta"),
    ("নলে জল নেই", "no_water", "bn"),
    ("nal se ganda aur badbudar pani aa raha hai", "dirty_water", "hi-Latn"),
    ("pipeline leak ho rahi hai, sadak par pani beh raha", "leakage", "hi-Latn"),
    ("the tap handle is broken", "broken_tap", "en"),
    ("ganda pani peene se bacchon ko dast ho gaye", "health_issue", "hi-Latn"),
]


@pytest.mark.parametrize(("text", "intent", "language"), CLEAR_COMPLAINTS)
def test_clear_complaints_are_understood_in_their_language(
    text: str, intent: str, language: str
) -> None:
    result = nlu.parse(text)
    assert (result.intent, result.language) == (intent, language)
    assert not result.uncertain


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("आमच्या गावात तीन दिवसांपासून पाणी येत नाही", "mr"),
        ("हमारे गांव में तीन दिन से पानी नहीं आ रहा", "hi"),
        ("আমাদের গাঁওত তিনি দিনৰ পৰা পানী অহা নাই", "as"),
        ("আমাদের গ্রামে তিন দিন ধরে জল আসছে না", "bn"),
        ("ਸਾਡੇ ਪਿੰਡ ਵਿੱਚ ਪਾਣੀ ਨਹੀਂ ਆ ਰਿਹਾ", "pa"),
        ("અમારા ગામમાં પાણી નથી આવતું", "gu"),
        ("ଆମ ଗାଁରେ ପାଣି ଆସୁନି", "or"),
        ("మా ఊరిలో నీళ్ళు రావడం లేదు", "te"),
        ("ನಮ್ಮ ಊರಿನಲ್ಲಿ ನೀರು ಬರುತ್ತಿಲ್ಲ", "kn"),
        ("ഞങ്ങളുടെ നാട്ടിൽ വെള്ളം വരുന്നില്ല", "ml"),
        ("ہمارے گاؤں میں پانی نہیں آ رہا", "ur"),
        ("hamare gaon mein paani nahi aa raha", "hi-Latn"),
        ("there is no water in our village", "en"),
        ("pipe burst થઈ ગઈ છે", "gu"),
    ],
)
def test_language_is_identified_including_shared_scripts_and_romanised_hindi(
    text: str, language: str
) -> None:
    assert nlu.parse(text).language == language


def test_confidence_is_a_probability_and_the_ranking_sums_to_one() -> None:
    result = nlu.parse("motor kharab hai pani nahi aaya")
    assert 0.0 <= result.confidence <= 1.0
    assert result.ranking[0].name == result.intent
    assert result.ranking[0].confidence == pytest.approx(result.confidence)
    assert [s.confidence for s in result.ranking] == sorted(
        (s.confidence for s in result.ranking), reverse=True
    )
    assert math.isclose(sum(s.confidence for s in result.ranking), 1.0, abs_tol=0.01)
    assert {s.name for s in result.ranking} == set(INTENTS)


def test_near_misses_about_electricity_or_ration_are_not_filed_as_water_complaints() -> None:
    for text in ("bijli nahi aa rahi 2 din se", "ration card nahi bana", "road pe gadde hai"):
        result = nlu.parse(text)
        assert result.intent == "out_of_scope" or result.uncertain, (text, result.intent)


def test_gibberish_is_flagged_rather_than_guessed() -> None:
    result = nlu.parse("xq zzv kkkp")
    assert result.intent == "out_of_scope" or result.uncertain


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "😀😀🙏",
        "\x00\x07\x1b[31m",
        "\ud800 broken surrogate \udfff",
        "pani " * 2000,
        "पानी नहीं water নেই தண்ணீர் نہیں",
        "\u200b\u200c\u200d",
        "123456",
    ],
)
def test_any_input_gives_a_valid_result_and_never_raises(text: str) -> None:
    result = nlu.parse(text)
    assert result.intent in INTENTS
    assert 0.0 <= result.confidence <= 1.0
    assert len(result.text) <= MAX_TEXT_LENGTH
    result.text.encode("utf-8")  # always valid Unicode, whatever came in
    assert all(0 <= e.start < e.end <= len(result.text) for e in result.entities)


def test_empty_input_is_out_of_scope_with_no_language() -> None:
    result = nlu.parse("  ")
    assert (result.intent, result.language, result.uncertain) == ("out_of_scope", "und", False)


def test_long_text_is_cut_at_the_documented_limit_and_says_so() -> None:
    result = nlu.parse("paani nahi aa raha " * 200)
    assert result.truncated
    assert len(result.text) <= MAX_TEXT_LENGTH
    assert result.intent == "no_water"
    assert not nlu.parse("paani nahi aa raha").truncated


def test_parsing_from_many_threads_gives_the_same_answers_as_one_thread() -> None:
    texts = [example.text for example in read_dir(EVAL_DIR)[::7]]
    sequential = [nlu.parse(text) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(nlu.parse, texts * 2))
    assert threaded == sequential * 2


def test_result_serialises_to_plain_data() -> None:
    data = nlu.parse("gaon me 3 din se pani nahi").to_dict()
    assert set(data) >= {"intent", "confidence", "language", "entities", "ranking"}
    assert all(set(e) >= {"entity", "value", "start", "end"} for e in data["entities"])


def test_village_names_are_found_when_the_backend_knows_the_directory() -> None:
    from nlu.village_index import VillageIndex, VillageRow

    index = VillageIndex.from_rows(
        [
            VillageRow(601014, "Tammapur", "Tammapur GP", "Hungund"),
            VillageRow(601015, "Kadlimatti", "Kadlimatti GP", "Hungund"),
        ]
    )
    backend = nlu.default_backend().with_villages(index)
    for text in ("Tammapur gaon me 3 din se pani nahi", "तम्मापुर गांव में पानी नहीं आ रहा"):
        result = backend.parse(text)
        assert result.intent == "no_water"
        village = result.entity("village")
        assert village is not None and village.value == "601014", result.entities
    # the shared default backend is untouched
    assert nlu.parse("Tammapur gaon me 3 din se pani nahi").entity("village") is None

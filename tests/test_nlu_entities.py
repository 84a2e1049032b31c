"""Entities in complaint messages: village codes, ticket references and durations."""

from __future__ import annotations

import itertools
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grievance.tickets.reference import check_digit, is_valid
from nlu.entities import extract, extract_codes, extract_durations, without_overlaps
from nlu.entities.numerals import fold_digits
from nlu.result import Entity
from nlu.training_data import DATA_DIR, EVAL_DIR, read_dir

SCRIPTS = [
    "DEVANAGARI",
    "BENGALI",
    "GURMUKHI",
    "GUJARATI",
    "ORIYA",
    "TAMIL",
    "TELUGU",
    "KANNADA",
    "MALAYALAM",
    "ARABIC-INDIC",
    "EXTENDED ARABIC-INDIC",
]
DIGIT_NAMES = ["ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"]


def native(number: str, script: str) -> str:
    return "".join(unicodedata.lookup(f"{script} DIGIT {DIGIT_NAMES[int(d)]}") for d in number)


def reference(payload: str = "482139071") -> str:
    return payload + check_digit(payload)


def found(text: str) -> list[tuple[str, str, str]]:
    return [(e.entity, e.value, text[e.start : e.end]) for e in extract(text)]


# --- digits -------------------------------------------------------------------------------


@pytest.mark.parametrize("script", SCRIPTS)
def test_native_digits_fold_to_ascii_one_for_one(script: str) -> None:
    digits = native("0123456789", script)
    assert digits != "0123456789"
    assert fold_digits(f"x{digits}y") == "x0123456789y"


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_village_code_in_native_digits_has_an_ascii_value(script: str) -> None:
    text = f"gaon {native('601014', script)} me pani nahi"
    assert found(text) == [("village_code", "601014", native("601014", script))]


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_reference_in_native_digits_has_an_ascii_value(script: str) -> None:
    ref = reference()
    assert found(f"{native(ref, script)} status") == [("ticket_ref", ref, native(ref, script))]


# --- codes --------------------------------------------------------------------------------


def test_a_reference_with_a_wrong_check_digit_is_not_a_reference() -> None:
    ref = reference()
    wrong = ref[:-1] + str((int(ref[-1]) + 1) % 10)
    assert not is_valid(wrong)
    assert found(f"ticket {ref}") == [("ticket_ref", ref, ref)]
    assert found(f"ticket {wrong}") == []


def test_a_swap_of_two_digits_is_not_a_reference() -> None:
    ref = reference()
    swapped = ref[1] + ref[0] + ref[2:]
    assert found(swapped) == []


@pytest.mark.parametrize("mobile", ["9845012345", "9876543210", "7012345678", "6300000001"])
def test_a_mobile_number_failing_the_check_is_not_a_reference(mobile: str) -> None:
    assert not is_valid(mobile)
    assert found(f"mera number {mobile} hai, call karo") == []


@pytest.mark.parametrize("prefix", ["+91 ", "+91", "+91-", "+ 91 "])
def test_a_number_with_a_country_code_is_a_phone_even_when_it_passes_the_check(
    prefix: str,
) -> None:
    assert found(f"call me on {prefix}{reference()}") == []


@pytest.mark.parametrize(
    "typed", ["4821 3907 15", "4821-3907-15", "482 139 0715", "48-21-39-07-15"]
)
def test_a_reference_typed_in_groups_is_found(typed: str) -> None:
    assert reference() == "4821390715"
    assert found(f"ref {typed} ka status") == [("ticket_ref", "4821390715", typed)]


def test_a_ten_digit_number_split_five_and_five_is_read_as_a_phone() -> None:
    assert found("call 48213 90715") == []


@pytest.mark.parametrize(
    "text",
    [
        "6010145",  # seven digits
        "12601014",
        "601014.5",  # a decimal
        "12.601014",
        "12-601014",  # a range or a date
        "601014/2",
        "60101",  # five digits
        "TXN601014",  # glued to an ID
        "601014abc",
        "₹601014",  # an amount
        "Rs. 601014",
        "rs 601014",
        "48213907150",  # eleven digits, the first ten a valid reference
    ],
)
def test_a_code_inside_a_longer_number_or_amount_is_not_reported(text: str) -> None:
    assert found(f"gaon {text} me") == []


def test_codes_and_references_side_by_side() -> None:
    text = f"gaon 601014, ref {reference()}; 3 din se pani nahi"
    assert found(text) == [
        ("village_code", "601014", "601014"),
        ("ticket_ref", reference(), reference()),
        ("duration", "P3D", "3 din se"),
    ]


def test_a_space_after_a_code_does_not_join_it_to_the_next_number() -> None:
    assert found("gaon 601014 3 din se")[0] == ("village_code", "601014", "601014")


def _code_annotations() -> list[tuple[str, str, str, int, int]]:
    return [
        (example.language, example.text, span.entity, span.start, span.end)
        for directory in (DATA_DIR, EVAL_DIR)
        for example in read_dir(directory)
        for span in example.entities
        if span.entity in ("village_code", "ticket_ref")
    ]


@pytest.mark.parametrize(
    ("language", "text", "entity", "start", "end"),
    _code_annotations(),
    ids=lambda value: value if isinstance(value, str) and len(value) < 12 else "",
)
def test_every_annotated_code_is_found_with_its_span(
    language: str, text: str, entity: str, start: int, end: int
) -> None:
    spans = {(e.entity, e.start, e.end) for e in extract_codes(text)}
    assert (entity, start, end) in spans, f"{language}: {text!r}"


# --- durations ----------------------------------------------------------------------------

DURATIONS = [
    # (message, expected span, expected value)
    ("3 din se nal me pani nahi", "3 din se", "P3D"),
    ("hum teen din se bina pani ke", "teen din se", "P3D"),
    ("sir ji kal se paani nhi aaya", "kal se", "P1D"),
    ("no water since Monday", "since Monday", "since:monday"),
    ("rust colour water coming for 2 weeks", "2 weeks", "P2W"),
    ("it is 3 days since my complaint", "3 days", "P3D"),
    ("supply off for a fortnight", "a fortnight", "P2W"),
    ("applied 6 months ago", "6 months ago", "P6M"),
    ("from last 5 days no water", "from last 5 days", "P5D"),
    ("since last week supply reduced", "since last week", "P1W"),
    ("Water not came from yesterday evening", "from yesterday evening", "since:yesterday_evening"),
    ("no power since 3 hours", "since 3 hours", "PT3H"),
    ("subah se ek bucket pani nahi aaya", "subah se", "since:morning"),
    ("kal raat se valve leak kar raha h", "kal raat se", "since:yesterday_night"),
    ("10 din ho gaye supply nahi aayi", "10 din", "P10D"),
    ("hafte bhar se paani nahi", "hafte bhar se", "P1W"),
    ("dalit basti me kai dino se supply nahi", "kai dino se", "many:days"),
    ("pichle shukrawar se sab bimar", "pichle shukrawar se", "since:friday"),
    ("4 din baad pani aaya", "4 din baad", "P4D"),
    ("parso se pani ka taste ajeeb", "parso se", "P2D"),
    ("एक हफ्ते से पानी मद्धम आ रहा है", "एक हफ्ते से", "P1W"),
    ("३ दिन से नल सूखा पड़ा है", "३ दिन से", "P3D"),
    ("पानी नहीं मिल रहा पिछले २ हफ्तों से", "पिछले २ हफ्तों से", "P2W"),
    ("हफ़्ते भर से पानी नहीं", "हफ़्ते भर से", "P1W"),
    ("३ दिवसांपासून नळाला पाणी नाही", "३ दिवसांपासून", "P3D"),
    ("कालपासून पाणी नाही आलं", "कालपासून", "P1D"),
    ("ત્રણ દિવસથી પાણી નથી આવ્યું", "ત્રણ દિવસથી", "P3D"),
    ("૧૫ દિવસ થયા ફરિયાદ આપ્યાને", "૧૫ દિવસ", "P15D"),
    ("੩ ਦਿਨਾਂ ਤੋਂ ਪਾਣੀ ਬੰਦ ਪਿਆ", "੩ ਦਿਨਾਂ ਤੋਂ", "P3D"),
    ("ਲਾਈਟ ਗਈ ਹੋਈ ਆ ਤਿੰਨ ਘੰਟਿਆਂ ਤੋਂ", "ਤਿੰਨ ਘੰਟਿਆਂ ਤੋਂ", "PT3H"),
    ("تین دن سے نل بند پڑا ہے", "تین دن سے", "P3D"),
    ("۳ دن سے پانی نہیں", "۳ دن سے", "P3D"),
    ("کل شام سے ایک بوند پانی نہیں آیا", "کل شام سے", "since:yesterday_evening"),
    ("তিন দিন ধরে জলের সঙ্গে কেঁচো", "তিন দিন ধরে", "P3D"),
    ("৩ দিন ধরে কলে জল আসছে না", "৩ দিন ধরে", "P3D"),
    ("পুজোর পর থেকে সুতোর মতো জল আসে", "পুজোর পর থেকে", "since:puja"),
    ("amader para te supply off kal theke", "kal theke", "P1D"),
    ("তিনিদিন ধৰি পানী নাই", "তিনিদিন ধৰি", "P3D"),
    ("যোৱা দেওবাৰৰ পৰা পানী নাই", "যোৱা দেওবাৰৰ পৰা", "since:sunday"),
    ("ତିନି ଦିନ ହେଲା ଟୋପାଏ ପାଣି ନାହିଁ", "ତିନି ଦିନ", "P3D"),
    ("ଆଜି ସକାଳୁ ମାଟିଆ ପାଣି", "ଆଜି ସକାଳୁ", "since:morning"),
    ("எங்கள் கிராமத்திற்கு மூன்று நாட்களாக குடிநீர் இல்லை", "மூன்று நாட்களாக", "P3D"),
    ("௩ நாளா தண்ணி வரல", "௩ நாளா", "P3D"),
    ("rendu vaaram ah can thanni vaangrom", "rendu vaaram ah", "P2W"),
    ("3 రోజులుగా నీళ్లు లేవు", "3 రోజులుగా", "P3D"),
    ("౪ రోజుల నుంచి ఎదురుచూస్తున్నాం", "౪ రోజుల నుంచి", "P4D"),
    ("3 rojula nunchi neellu levu", "3 rojula nunchi", "P3D"),
    ("tap damage ayyindi ee vaaram", "ee vaaram", "since:this_week"),
    ("ಮೂರು ದಿನದಿಂದ ನೀರೇ ಇಲ್ಲ", "ಮೂರು ದಿನದಿಂದ", "P3D"),
    ("೫ ದಿನದಿಂದ ಪರದಾಡ್ತಿದೀವಿ", "೫ ದಿನದಿಂದ", "P5D"),
    ("ನಿನ್ನೆಯಿಂದ ಕುಡಿಯೋಕೂ ನೀರಿಲ್ಲ", "ನಿನ್ನೆಯಿಂದ", "P1D"),
    ("മൂന്ന് ദിവസമായി വെള്ളം ഇല്ല", "മൂന്ന് ദിവസമായി", "P3D"),
    ("൩ ദിവസമായി പൈപ്പ് വെള്ളം ഇല്ല", "൩ ദിവസമായി", "P3D"),
    ("ഒരാഴ്ചയായി വെള്ളമില്ല", "ഒരാഴ്ചയായി", "P1W"),
]


@pytest.mark.parametrize(("text", "span", "value"), DURATIONS)
def test_durations_have_a_canonical_value(text: str, span: str, value: str) -> None:
    assert [(e.text, e.value) for e in extract_durations(text)] == [(span, value)]
    entity = extract_durations(text)[0]
    assert text[entity.start : entity.end] == span


@pytest.mark.parametrize(
    "text",
    [
        "water comes only for 10 minutes",  # how long the supply runs
        "pani sirf 20 minute aata hai",
        "water comes twice a week",
        "they give water once in 3 days",
        "har din pani ka time badalta hai",
        "ek din chhod ke pani aata hai",
        "hafte me 2 din pani aata h",
        "ہفتے میں دو دن آتا ہے",
        "100 din ka kaam ka paisa nahi mila",
        "kal aayega plumber",  # a day, not since when
        "pichle mahine complaint di thi",  # a date, not since when
        "subah se shaam tak intezar kiya",  # a time range
        "نماز جمعہ سے پہلے پانی نہیں ملا",  # before Friday prayer
        "ஒரு நாள் விட்டு ஒரு நாள் தண்ணி வருது",  # every other day
        "ee roju kuda neellu raledu",  # today too
        "paani nahi aa raha",
    ],
)
def test_frequencies_dates_and_times_of_day_are_not_durations(text: str) -> None:
    assert extract_durations(text) == []


def test_durations_in_held_out_messages_are_mostly_found() -> None:
    """A floor, not a target: the measured figures are in the module's report."""
    gold = found_gold = predicted = predicted_right = 0
    for example in read_dir(EVAL_DIR):
        spans = [(s.start, s.end) for s in example.entities if s.entity == "duration"]
        guesses = [(e.start, e.end) for e in extract_durations(example.text)]
        gold += len(spans)
        predicted += len(guesses)
        found_gold += sum(any(a < d and c < b for c, d in guesses) for a, b in spans)
        predicted_right += sum(any(a < d and c < b for c, d in spans) for a, b in guesses)
    assert gold > 0
    assert found_gold / gold >= 0.9
    assert predicted_right / predicted >= 0.7


# --- the whole extractor ------------------------------------------------------------------


def _well_formed(text: str, entities: list[Entity]) -> None:
    assert entities == sorted(entities, key=lambda e: e.start)
    for entity in entities:
        assert 0 <= entity.start < entity.end <= len(text)
        assert entity.text == text[entity.start : entity.end]
        assert entity.value.isascii()
    for first, second in itertools.pairwise(entities):
        assert first.end <= second.start


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "😀💧🚰",
        "\ud800",
        "abc\ud800\udfff601014",
        "\x00\x01\x07\x1b[31m 3 din se \x7f",
        "601014" * 2000,
        "3 din se " * 1200,
        "a" * 10_000,
        "४" * 10_000,
        "since since since since since",
        "[3 din se](duration)",
    ],
    ids=[
        "empty",
        "space",
        "emoji",
        "lone-surrogate",
        "surrogate-pair-halves",
        "control-chars",
        "many-codes",
        "many-durations",
        "10k-letters",
        "10k-native-digits",
        "only-leads",
        "markup",
    ],
)
def test_odd_input_never_raises(text: str) -> None:
    _well_formed(text, extract(text))


@given(st.text(max_size=300))
def test_any_text_gives_sorted_disjoint_spans_over_the_text(text: str) -> None:
    _well_formed(text, extract(text))


@given(
    st.lists(
        st.sampled_from(
            ["3", "din", "se", "kal", "601014", "4821390715", "since", "weeks", "२", "দিন", " "]
        ),
        max_size=12,
    ).map(" ".join)
)
def test_messages_built_from_entity_words_give_sorted_disjoint_spans(text: str) -> None:
    _well_formed(text, extract(text))


def test_overlaps_keep_the_more_important_entity_and_same_span_candidates() -> None:
    code = Entity("village_code", "601014", 5, 11)
    duration = Entity("duration", "P3D", 0, 9)
    rampur = [Entity("village", "700001", 12, 18), Entity("village", "700002", 12, 18)]
    assert without_overlaps([duration, *rampur, code]) == [code, *rampur]

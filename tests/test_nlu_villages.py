"""Village names, in any script and misspelt, found in the LGD directory and in messages."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.villages import load_village_index
from grievance.db import unit_of_work
from grievance.lgd.models import GramPanchayat, VillagePanchayat
from grievance.lgd.village_names import VillageName, village_names
from nlu.village_index import VillageIndex, VillageMatch, VillageRow
from tests.builders import Place

DEMO = Path(__file__).resolve().parents[1] / "grievance" / "demo" / "lgd.csv"
KARNATAKA = Path("/work/shared/data/lgd/29-karnataka-constituency.csv")

TAMMAPUR = 601014


def demo_rows() -> list[VillageRow]:
    with DEMO.open(encoding="utf-8") as handle:
        return [
            VillageRow(
                code=int(row["Village Code"]),
                name=row["Village Name"],
                gram_panchayat=row["Localbody Name"],
                block=row["Block Name"],
                district=row["District Name"],
                state=row["State Name"],
                name_local=row["Village Name (In Local language)"] or None,
            )
            for row in csv.DictReader(handle)
        ]


@pytest.fixture(scope="module")
def index() -> VillageIndex:
    rows = [
        *demo_rows(),
        VillageRow(700001, "Chandapur", "KAPGAL", "MANVI", "RAICHUR", "KARNATAKA"),
        VillageRow(700002, "Chandapur", "HIREKOTNEKAL", "SIRWAR", "RAICHUR", "KARNATAKA"),
        VillageRow(700003, "Sitapur", "KAPGAL", "MANVI", "RAICHUR", "KARNATAKA"),
        VillageRow(700004, "Pani", "KAPGAL", "MANVI", "RAICHUR", "KARNATAKA"),
        VillageRow(700005, "Ghoshpara", "KAPGAL", "MANVI", "RAICHUR", "KARNATAKA"),
        VillageRow(700006, "Kallakurichi", "KAPGAL", "MANVI", "RAICHUR", "KARNATAKA"),
        VillageRow(700007, "Pura Golarahatti (K)", "KAPGAL", "MANVI", "RAICHUR", "KARNATAKA"),
    ]
    return VillageIndex.from_rows(rows)


def codes(matches: list[VillageMatch]) -> list[int]:
    return [match.row.code for match in matches]


# --- search -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "Tammapur",
        "tammapur",
        "TAMMAPUR",
        "तम्मापुर",  # Devanagari
        "ತಮ್ಮಾಪುರ",  # Kannada
        "তম্মাপুর",  # Bengali
        "તમ્માપુર",  # Gujarati
        "ਤੰਮਾਪੁਰ",  # Gurmukhi, with tippi
        "ତମ୍ମାପୁର",  # Odia
        "తమ్మాపూర్",  # Telugu
        "Tammapura",
        "Thammapura",
        "Tamapur",
        "Tammaapur",
        "  Tammapur, ",
    ],
)
def test_every_spelling_of_a_name_finds_the_village_first(
    index: VillageIndex, spelling: str
) -> None:
    best = index.search(spelling)[0]
    assert (best.row.code, best.score) == (TAMMAPUR, 100.0)
    assert (best.row.gram_panchayat, best.row.block) == ("GORKAL", "MANVI")


@pytest.mark.parametrize("typo", ["Tammapure", "Tamapor", "Tammapru", "Tammpur"])
def test_a_misspelt_name_still_finds_the_village(index: VillageIndex, typo: str) -> None:
    matches = index.search(typo)
    assert matches and matches[0].row.code == TAMMAPUR
    assert 75 <= matches[0].score < 100


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("ಕೆರೆಹಳ್ಳಿ", 699903),
        ("Kerehalli", 699903),
        ("হোসূর", 699902),  # Hosur in Bengali letters
        ("ಹೊಸೂರು", 699902),
        ("Hosuru", 699902),
        ("घोषपाड़ा", 700005),  # a nukta letter
        ("ঘোষপাড়া", 700005),
        ("கள்ளக்குறிச்சி", 700006),  # Tamil does not write voicing
        ("Pura Golarahatti", 700007),  # without the "(K)" qualifier
        ("puragolarahatti", 700007),
    ],
)
def test_local_scripts_and_qualifiers(index: VillageIndex, spelling: str, code: int) -> None:
    assert index.search(spelling)[0].row.code == code


def test_same_named_villages_are_all_returned_with_their_gp_and_block(
    index: VillageIndex,
) -> None:
    matches = index.search("Chandapur")
    tied = [m for m in matches if m.score == 100.0]
    assert [(m.row.code, m.row.gram_panchayat, m.row.block) for m in tied] == [
        (700001, "KAPGAL", "MANVI"),
        (700002, "HIREKOTNEKAL", "SIRWAR"),
    ]


def test_exact_matches_rank_before_fuzzy_ones_and_limit_is_kept(index: VillageIndex) -> None:
    matches = index.search("Chandapur", limit=10, min_score=50)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert codes(matches)[:2] == [700001, 700002]
    assert len(index.search("Chandapur", limit=1)) == 1
    assert index.search("Chandapur", limit=0) == []


@pytest.mark.parametrize("name", ["Xyzzyqwerty", "Bangalore International", "zzz", "q"])
def test_unknown_names_find_nothing(index: VillageIndex, name: str) -> None:
    assert index.search(name) == []


def test_urdu_script_is_not_read_and_finds_nothing(index: VillageIndex) -> None:
    assert index.search("تمّاپور") == []


ODD_INPUT = [
    "",
    " ",
    "😀",
    "💧🚰😀",
    "\ud800",
    "Tammapur\ud800",
    "\x00\x01\x07\x1b",
    "a" * 10_000,
    "Tammapur " * 1200,
    "ತ" * 10_000,
    "()",
    "(K)",
]


@pytest.mark.parametrize("text", ODD_INPUT, ids=[f"odd{i}" for i in range(len(ODD_INPUT))])
def test_odd_input_never_raises(index: VillageIndex, text: str) -> None:
    assert isinstance(index.search(text), list)
    for entity in index.find_in_text(text):
        assert entity.entity == "village"


def test_a_bad_character_inside_a_name_is_ignored(index: VillageIndex) -> None:
    assert index.search("Tammapur\ud800")[0].row.code == TAMMAPUR


def test_an_empty_directory_finds_nothing() -> None:
    empty = VillageIndex.from_rows([])
    assert len(empty) == 0
    assert empty.search("Tammapur") == []
    assert empty.find_in_text("gaon Tammapur me pani nahi") == []


def test_a_code_listed_twice_is_one_village() -> None:
    row = VillageRow(TAMMAPUR, "Tammapur", "GORKAL", "MANVI")
    again = VillageRow(TAMMAPUR, "Tammapur", "KAPGAL", "MANVI")
    index = VillageIndex.from_rows([row, again])
    assert [m.row for m in index.search("Tammapur")] == [row]


def test_the_cores_rows_build_the_index_without_nlu_reading_the_database() -> None:
    fields = (TAMMAPUR, "Tammapur", "GORKAL", "MANVI", "RAICHUR", "KARNATAKA", "ತಮ್ಮಾಪುರ")
    index = VillageIndex([VillageName(*fields)])  # what grievance.lgd.village_names yields
    [match] = index.search("ತಮ್ಮಾಪುರ")
    assert match.row == VillageRow(*fields)


# --- find_in_text -------------------------------------------------------------------------


def spotted(index: VillageIndex, text: str) -> list[tuple[str, str, float]]:
    return [(e.value, text[e.start : e.end], e.confidence) for e in index.find_in_text(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("gaon Tammapur me pani nahi aa raha", "Tammapur"),
        ("गांव तम्मापुर में पानी नहीं", "तम्मापुर"),
        ("ತಮ್ಮಾಪುರ ಗ್ರಾಮದಲ್ಲಿ ಮೂರು ದಿನದಿಂದ ನೀರಿಲ್ಲ", "ತಮ್ಮಾಪುರ"),
        ("village Thammapura no water since monday", "Thammapura"),
    ],
)
def test_a_village_named_next_to_a_village_word_is_found(
    index: VillageIndex, text: str, name: str
) -> None:
    assert spotted(index, text) == [(str(TAMMAPUR), name, 1.0)]


def test_a_village_named_before_in_is_found(index: VillageIndex) -> None:
    [(code, name, confidence)] = spotted(index, "Tammapur me pani nahi aa raha")
    assert (code, name) == (str(TAMMAPUR), "Tammapur")
    assert 0.5 < confidence < 1.0


def test_a_case_ending_fused_onto_the_name_is_understood(index: VillageIndex) -> None:
    [(code, name, _)] = spotted(index, "ತಮ್ಮಾಪುರದಲ್ಲಿ ಗ್ರಾಮ ನೀರಿಲ್ಲ")
    assert (code, name) == (str(TAMMAPUR), "ತಮ್ಮಾಪುರದಲ್ಲಿ")


def test_a_name_of_two_words_is_one_span(index: VillageIndex) -> None:
    text = "gaon Pura Golarahatti me pipe leak"
    assert spotted(index, text) == [("700007", "Pura Golarahatti", 1.0)]


def test_same_named_villages_give_one_entity_each_on_the_same_span(index: VillageIndex) -> None:
    text = "gaon Chandapur me pani nahi"
    assert spotted(index, text) == [("700001", "Chandapur", 1.0), ("700002", "Chandapur", 1.0)]


@pytest.mark.parametrize(
    "text",
    [
        "pani nahi aa raha hai",  # a village called "Pani" is not the word for water
        "hello sir please help",
        "3 din se nal me pani nahi",
        "",
    ],
)
def test_everyday_words_are_not_villages(index: VillageIndex, text: str) -> None:
    assert index.find_in_text(text) == []


def test_words_common_in_complaints_need_a_village_word() -> None:
    index = VillageIndex.from_rows([VillageRow(700010, "Sahab")], common=["sahab"])
    assert index.find_in_text("sahab pani nahi aaya") == []
    assert [e.value for e in index.find_in_text("gaon sahab me pani nahi")] == ["700010"]


def test_search_falls_back_to_a_name_inside_a_longer_answer(index: VillageIndex) -> None:
    assert codes(index.search("mera gaon Tammapur hai, Manvi taluk"))[:1] == [TAMMAPUR]


# --- loading from the LGD tables ----------------------------------------------------------


def test_load_reads_villages_with_their_gp_block_district_and_state(
    sessions: sessionmaker[Session], place: Place
) -> None:
    with sessions() as session:
        index = load_village_index(session)
    assert len(index) == 3
    best = index.search("ತಮ್ಮಾಪುರ")[0]
    assert best.score == 100.0
    row = best.row
    assert (row.code, row.name, row.gram_panchayat, row.block) == (
        place.village,
        "Tammapur",
        "GORKAL",
        "MANVI",
    )
    assert (row.district, row.state, row.name_local) == ("RAICHUR", "KARNATAKA", "ತಮ್ಮಾಪುರ")
    assert index.search("Hirekotnekal")[0].row.block == "SIRWAR"


def test_the_core_lists_villages_as_plain_rows_in_code_order(
    sessions: sessionmaker[Session], place: Place
) -> None:
    with sessions() as session:
        rows = list(village_names(session))
    assert [row.code for row in rows] == sorted(row.code for row in rows)
    [tammapur] = [row for row in rows if row.code == place.village]
    assert tammapur == VillageName(
        place.village, "Tammapur", "GORKAL", "MANVI", "RAICHUR", "KARNATAKA", "ತಮ್ಮಾಪುರ"
    )


def test_load_keeps_one_row_per_village_and_filters_by_state(
    sessions: sessionmaker[Session], place: Place
) -> None:
    with unit_of_work(sessions) as session:  # Tammapur also in a second gram panchayat
        session.add(GramPanchayat(code=219999, block_code=place.other_block, name="ZZGP"))
        session.flush()
        session.add(VillagePanchayat(village_code=place.village, gp_code=219999))
    with sessions() as session:
        index = load_village_index(session, state_code=place.state)
        assert len(load_village_index(session, state_code=99)) == 0
    matches = index.search("Tammapur")
    assert [m.row.code for m in matches if m.score == 100.0] == [place.village]
    assert matches[0].row.gram_panchayat == "GORKAL"  # the lowest GP code


# --- real directory (optional) ------------------------------------------------------------


@pytest.mark.skipif(not KARNATAKA.exists(), reason="real LGD extract not present")
def test_real_karnataka_directory() -> None:
    with KARNATAKA.open(encoding="utf-8-sig") as handle:
        rows = [
            VillageRow(int(r["Village Code"]), r["Village Name"], r["Localbody Name"])
            for r in csv.DictReader(handle)
        ]
    index = VillageIndex.from_rows(rows)
    assert index.search("Tammapur")[0].row.code == TAMMAPUR
    assert index.search("ತಮ್ಮಾಪುರ")[0].row.code == TAMMAPUR
    assert [e.value for e in index.find_in_text("gaon Tammapur me pani nahi")] == ["601014"]

"""The `rasa` backend: recorded Rasa 3.6 answers replayed to the real adapter, plus a live test.

The fixtures under tests/fixtures/rasa/ are real `/model/parse` answers of the model that
nlu/rasa/serve.sh trains (re-record them with `python -m nlu.rasa.record_fixtures`). Only the
network layer is faked (`httpx.MockTransport`); a refused connection is a real one on loopback.
The live test runs when JALSAMVAD_RASA_URL names a running server.
"""

from __future__ import annotations

import copy
import json
import os
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

import nlu
from nlu.backends.rasa import RasaBackend, RasaUnavailableError
from nlu.result import MAX_TEXT_LENGTH, Backend, ParseResult
from nlu.text import clean
from nlu.training_data import COMPLAINT_INTENTS, INTENTS

FIXTURES = Path(__file__).parent / "fixtures" / "rasa"
URL = "http://rasa.test:5005"
LIVE_URL = os.environ.get("JALSAMVAD_RASA_URL", "").strip()


def recorded(name: str) -> dict[str, Any]:
    fixture: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    return fixture


Handler = Callable[[httpx.Request], httpx.Response]


def replaying(*names: str) -> Handler:
    """A fake network that answers each recorded request with its recorded answer."""
    answers = {recorded(name)["request"]["text"]: recorded(name) for name in names}

    def handle(request: httpx.Request) -> httpx.Response:
        assert request.method == "POST"
        assert request.url == f"{URL}/model/parse"
        fixture = answers[json.loads(request.content)["text"]]
        return httpx.Response(fixture["status"], json=fixture["response"])

    return handle


def backend_for(handler: Handler, **options: Any) -> RasaBackend:
    return RasaBackend(URL, client=httpx.Client(transport=httpx.MockTransport(handler)), **options)


def answering(payload: dict[str, Any]) -> Handler:
    return lambda request: httpx.Response(200, json=payload)


# -- recorded answers ---------------------------------------------------------------------------


def test_the_backend_meets_the_protocol() -> None:
    backend: Backend = backend_for(replaying("dialogue_greet"))
    assert backend.name == "rasa"


def test_a_complaint_with_entities() -> None:
    fixture = recorded("complaint_hi_entities")
    text = fixture["request"]["text"]
    answer = fixture["response"]
    result = backend_for(replaying("complaint_hi_entities")).parse(text)

    assert result.text == text
    assert result.intent == answer["intent"]["name"] == "no_water"
    assert result.confidence == pytest.approx(answer["intent"]["confidence"])
    assert not result.uncertain and not result.truncated
    assert [score.name for score in result.ranking] == [
        item["name"] for item in answer["intent_ranking"]
    ]
    assert result.ranking[0].name == result.intent
    confidences = [score.confidence for score in result.ranking]
    assert confidences == sorted(confidences, reverse=True)

    village = result.entity("village_code")
    assert village is not None
    assert village.value == "403112"  # native digits, canonical ASCII value
    assert village.text == text[village.start : village.end] == "४०३११२"
    duration = result.entity("duration")
    assert duration is not None
    assert duration.text == text[duration.start : duration.end]
    assert "३ दिन" in duration.text
    for entity in result.entities:
        raw = next(item for item in answer["entities"] if item["start"] == entity.start)
        assert entity.confidence == pytest.approx(raw["confidence_entity"])


def test_a_romanised_complaint() -> None:
    fixture = recorded("complaint_hi_latn_entities")
    result = backend_for(replaying("complaint_hi_latn_entities")).parse(fixture["request"]["text"])
    assert result.intent in COMPLAINT_INTENTS
    village = result.entity("village_code")
    assert village is not None and village.value == "291306"


@pytest.mark.parametrize(
    ("name", "intent"),
    [("dialogue_greet", "greet"), ("dialogue_check_status", "check_status")],
)
def test_dialogue_intents(name: str, intent: str) -> None:
    fixture = recorded(name)
    result = backend_for(replaying(name)).parse(fixture["request"]["text"])
    assert result.intent == intent
    assert result.intent not in COMPLAINT_INTENTS
    assert 0.0 < result.confidence <= 1.0
    assert result.language == "und" and result.language_confidence == 0.0


def test_a_ticket_reference_is_an_entity() -> None:
    fixture = recorded("dialogue_check_status")
    result = backend_for(replaying("dialogue_check_status")).parse(fixture["request"]["text"])
    ticket = result.entity("ticket_ref")
    assert ticket is not None and ticket.value == "7103593883"


def test_the_language_comes_from_the_injected_identifier() -> None:
    fixture = recorded("dialogue_thank")
    seen: list[str] = []

    def language_of(text: str) -> tuple[str, float]:
        seen.append(text)
        return "hi-Latn", 0.9

    backend = backend_for(replaying("dialogue_thank"), language_of=language_of)
    result = backend.parse(fixture["request"]["text"])
    assert (result.language, result.language_confidence) == ("hi-Latn", 0.9)
    assert seen == [fixture["request"]["text"]]


def test_a_long_text_is_cut_before_rasa_sees_it() -> None:
    fixture = recorded("long_text")
    sent: list[str] = []
    replay = replaying("long_text")

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content)["text"])
        return replay(request)

    long_text = fixture["request"]["text"] + " और भी बहुत कुछ" * 50
    assert len(long_text) > MAX_TEXT_LENGTH
    result = backend_for(handle).parse(long_text)
    assert sent == [clean(long_text)[0]] == [fixture["request"]["text"]]
    assert len(sent[0]) <= MAX_TEXT_LENGTH
    assert result.truncated
    assert result.text == sent[0]
    assert result.intent == fixture["response"]["intent"]["name"]
    assert all(entity.end <= MAX_TEXT_LENGTH for entity in result.entities)


def test_the_text_is_cleaned_like_the_embedded_backend_s() -> None:
    fixture = recorded("dialogue_greet")
    sent: list[str] = []
    replay = replaying("dialogue_greet")

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content)["text"])
        return replay(request)

    messy = "  " + fixture["request"]["text"].replace(" ", " \u0000\t ") + " \u200b\n"
    result = backend_for(handle).parse(messy)
    assert sent == [clean(messy)[0]] == [fixture["request"]["text"]]
    assert result.intent == "greet" and not result.truncated


def test_a_lone_surrogate_does_not_break_the_request() -> None:
    answer = recorded("dialogue_greet")["response"]

    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={**answer, "text": json.loads(request.content)["text"]})

    result = backend_for(echo).parse("नमस्ते \ud800 जी")
    assert result.intent == "greet"
    assert result.text == clean("नमस्ते \ud800 जी")[0]


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\u200b"])
def test_a_blank_message_is_not_sent(text: str) -> None:
    # Rasa answers "" with a confident "affirm": a blank message must not confirm anything.
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("a blank message reached Rasa")

    result = backend_for(refuse).parse(text)
    assert (result.intent, result.confidence, result.text) == ("out_of_scope", 1.0, "")
    assert result.entities == ()


def test_rasa_s_fallback_is_out_of_scope_and_uncertain() -> None:
    fixture = recorded("gibberish")
    answer = fixture["response"]
    assert answer["intent"]["name"] == "nlu_fallback"  # as recorded
    result = backend_for(replaying("gibberish")).parse(fixture["request"]["text"])
    assert result.intent == "out_of_scope"
    assert result.uncertain
    assert "nlu_fallback" not in [score.name for score in result.ranking]
    best = max(
        (item for item in answer["intent_ranking"] if item["name"] != "nlu_fallback"),
        key=lambda item: item["confidence"],
    )
    assert result.extras["best_guess"] == best["name"] == result.ranking[0].name
    assert result.confidence == pytest.approx(best["confidence"])
    assert result.confidence < 0.5


def test_one_backend_serves_many_threads() -> None:
    names = ["complaint_hi_entities", "dialogue_greet", "dialogue_check_status", "dialogue_thank"]
    backend = backend_for(replaying(*names))
    texts = [recorded(name)["request"]["text"] for name in names] * 25
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(backend.parse, texts))
    expected = {name: recorded(name)["response"]["intent"]["name"] for name in names}
    assert [result.intent for result in results] == [expected[name] for name in names] * 25


def test_make_backend_uses_the_url_it_is_given() -> None:
    backend = nlu.make_backend("rasa", "http://127.0.0.1:5005/")
    assert isinstance(backend, RasaBackend)
    assert backend.endpoint == "http://127.0.0.1:5005/model/parse"
    backend.close()
    assert nlu.make_backend("embedded", None) is nlu.default_backend()
    assert nlu.make_backend("embedded", "http://127.0.0.1:5005") is nlu.default_backend()
    with pytest.raises(ValueError, match="JALSAMVAD_RASA_URL"):
        nlu.make_backend("rasa", None)
    with pytest.raises(ValueError, match="JALSAMVAD_RASA_URL"):
        nlu.make_backend("rasa", "")
    with pytest.raises(ValueError, match="unknown NLU backend 'spacy'"):
        nlu.make_backend("spacy", None)
    with pytest.raises(ValueError, match="http"):
        RasaBackend("127.0.0.1:5005")


# -- failures: never a confident complaint -------------------------------------------------------


def test_a_server_that_is_down() -> None:
    with socket.socket() as probe:  # a loopback port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        RasaBackend(f"http://127.0.0.1:{port}", timeout=2.0) as backend,
        pytest.raises(RasaUnavailableError, match="unreachable"),
    ):
        backend.parse("पानी नहीं आ रहा")


def test_a_server_that_does_not_answer_in_time() -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(RasaUnavailableError, match=r"did not answer within 0\.5 s"):
        backend_for(hang, timeout=0.5).parse("पानी नहीं आ रहा")


def test_a_server_error() -> None:
    # The shape of Rasa's own error answers (rasa.server.ErrorResponse).
    body: dict[str, Any] = {
        "version": "3.6.21",
        "status": "failure",
        "message": "An unexpected error occurred. Error: ...",
        "reason": "ParsingError",
        "details": {},
        "help": None,
        "code": 500,
    }
    backend = backend_for(lambda request: httpx.Response(500, json=body))
    with pytest.raises(RasaUnavailableError, match="HTTP 500"):
        backend.parse("पानी नहीं आ रहा")


@pytest.mark.parametrize(
    "body", [b"<html><body>502 Bad Gateway</body></html>", b"", b'{"intent": {"name": "no_wa']
)
def test_an_answer_that_is_not_json(body: bytes) -> None:
    backend = backend_for(lambda request: httpx.Response(200, content=body))
    with pytest.raises(RasaUnavailableError, match="not JSON"):
        backend.parse("पानी नहीं आ रहा")


def off_model(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    answer: dict[str, Any] = copy.deepcopy(recorded("complaint_hi_entities")["response"])
    change(answer)
    return answer


def rename_intent(answer: dict[str, Any]) -> None:
    answer["intent"]["name"] = "restaurant_search"


def rename_in_ranking(answer: dict[str, Any]) -> None:
    answer["intent_ranking"][1]["name"] = "mood_great"


def drop_intent(answer: dict[str, Any]) -> None:
    answer["intent"] = {"name": None, "confidence": 0.0}


def bad_confidence(answer: dict[str, Any]) -> None:
    answer["intent"]["confidence"] = 3.5


def bad_entity(answer: dict[str, Any]) -> None:
    answer["entities"][0]["entity"] = "cuisine"


def bad_span(answer: dict[str, Any]) -> None:
    answer["entities"][0]["end"] = 10_000


def other_text(answer: dict[str, Any]) -> None:
    answer["text"] = "something else"


@pytest.mark.parametrize(
    "change",
    [
        rename_intent,
        rename_in_ranking,
        drop_intent,
        bad_confidence,
        bad_entity,
        bad_span,
        other_text,
    ],
)
def test_an_answer_from_another_model_is_refused(change: Callable[[dict[str, Any]], None]) -> None:
    text = recorded("complaint_hi_entities")["request"]["text"]
    backend = backend_for(answering(off_model(change)))
    with pytest.raises(RasaUnavailableError):
        backend.parse(text)


@pytest.mark.parametrize("payload", [[], "no_water", 1, None])
def test_an_answer_that_is_no_object(payload: Any) -> None:
    backend = backend_for(lambda request: httpx.Response(200, json=payload))
    with pytest.raises(RasaUnavailableError):
        backend.parse("पानी नहीं आ रहा")


# -- a real server ------------------------------------------------------------------------------


@pytest.mark.skipif(not LIVE_URL, reason="JALSAMVAD_RASA_URL is not set (nlu/rasa/serve.sh)")
def test_a_live_rasa_server() -> None:
    complaints = [
        "नल में पानी नहीं आ रहा है",
        "gaon 291306 mein 5 din se paani nahi aa raha",
        "the water from our tap is muddy and smells bad",
    ]
    with RasaBackend(LIVE_URL, timeout=30.0) as backend:
        results = [backend.parse(text) for text in [*complaints, "नमस्ते जी", "धन्यवाद"]]
    for result in results:
        assert isinstance(result, ParseResult)
        assert result.intent in INTENTS
        assert 0.0 <= result.confidence <= 1.0
        assert result.ranking and all(score.name in INTENTS for score in result.ranking)
        scores = [score.confidence for score in result.ranking]
        assert scores == sorted(scores, reverse=True)
        for entity in result.entities:
            assert entity.text == result.text[entity.start : entity.end]
    for result in results[: len(complaints)]:
        assert result.intent in COMPLAINT_INTENTS, result
        assert not result.uncertain
    assert results[0].intent == "no_water"
    assert results[1].entity("village_code") is not None

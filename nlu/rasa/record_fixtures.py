"""Re-records the Rasa answers that tests/test_nlu_rasa.py replays.

    python -m nlu.rasa.record_fixtures --url http://127.0.0.1:5005

Posts each sentence below to a live server (nlu/rasa/serve.sh) and stores the request and the
raw answer as tests/fixtures/rasa/<name>.json, byte for byte as Rasa sent them (re-indented).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from nlu.text import clean

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "rasa"

# 2,080 characters: the backend cuts it to MAX_TEXT_LENGTH (nlu.text.clean) before Rasa sees it.
_LONG = clean("नल में पानी नहीं आ रहा है, " * 80)[0]

SENTENCES: dict[str, str] = {
    # complaints with entities, in Devanagari (native digits) and in romanised Hindi
    "complaint_hi_entities": "गांव ४०३११२ में ३ दिन से नल में पानी नहीं आ रहा है",
    "complaint_hi_latn_entities": "gaon 291306 mein 5 din se paani nahi aa raha",
    "complaint_en": "the water from our tap is muddy and smells bad",
    # dialogue
    "dialogue_greet": "नमस्ते जी",
    "dialogue_check_status": "what is the status of my complaint 7103593883",
    "dialogue_thank": "bahut dhanyavaad",
    # the answer to a text already cut to MAX_TEXT_LENGTH
    "long_text": _LONG,
    # whatever the model makes of a non-sentence (the FallbackClassifier if it is unsure)
    "gibberish": "zxq vvbn plokij",
}


def record(url: str, names: Sequence[str] | None = None, note: str = "") -> list[Path]:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    written = []
    base = url.rstrip("/")
    with httpx.Client(timeout=30.0) as client:
        version = client.get(f"{base}/version").json()
        status = client.get(f"{base}/status").json()
        source = (
            f"rasa {version.get('version')} POST /model/parse, model "
            f"{Path(str(status.get('model_file'))).name} (nlu/rasa/config.yml on nlu/data)"
            + (f"; {note}" if note else "")
        )
        for name, text in SENTENCES.items():
            if names and name not in names:
                continue
            response = client.post(f"{base}/model/parse", json={"text": text})
            response.raise_for_status()
            fixture: dict[str, Any] = {
                "recorded_from": source,
                "request": {"text": text},
                "status": response.status_code,
                "response": response.json(),
            }
            path = FIXTURES / f"{name}.json"
            path.write_text(json.dumps(fixture, ensure_ascii=False, indent=2) + "\n", "utf-8")
            written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Re-record the Rasa test fixtures.")
    parser.add_argument("--url", required=True)
    parser.add_argument("--note", default="", help="said in each fixture, e.g. how it was trained")
    parser.add_argument("names", nargs="*", help="only these fixtures (default: all)")
    args = parser.parse_args(argv)
    for path in record(args.url, args.names, args.note):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The Bot API as python-telegram-bot sees it, without a network: a `BaseRequest` that records
every call (method name and parameters) and answers with canned JSON, so tests use the real
`telegram.Bot` and `Application` with only their HTTP layer faked."""

from __future__ import annotations

import json
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT = {"id": 4242, "is_bot": True, "first_name": "JalSamvad", "username": "jalsamvad_bot"}
Calls = list[tuple[str, dict[str, Any]]]
Answers = dict[str, tuple[int, dict[str, Any]]]


class FakeBotApi(BaseRequest):
    """`answers` overrides a method's (HTTP status, JSON body); otherwise getMe answers with
    BOT, sendMessage with the message as sent, and any other method with `true`."""

    def __init__(self, calls: Calls, answers: Answers | None = None) -> None:
        self.calls, self.answers = calls, answers or {}

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        self.calls.append((name, params))
        if name in self.answers:
            status, body = self.answers[name]
            return status, json.dumps(body).encode()
        return 200, json.dumps(
            {"ok": True, "result": _result(name, params, len(self.calls))}
        ).encode()


def _result(name: str, params: dict[str, Any], n: int) -> Any:
    if name == "getMe":
        return BOT
    if name == "sendMessage":
        return {
            "message_id": n,
            "date": 1763800000,
            "chat": {"id": params["chat_id"], "type": "private"},
            "from": BOT,
            "text": params["text"],
        }
    return True

"""Outbox notices on the chat channels: worded by the bot in the household's language (its
conversation then waits for the answer), and sent through Twilio's REST API.

`jalsamvad worker` hands this to `grievance.outbox.delivery.deliver_due`. Telegram notices
are not delivered yet: they wait in the outbox (their channel gets no budget).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.channels.outbound import (
    ChannelNotConfiguredError,
    NoTemplateError,
    OutboundError,
    TwilioSender,
)
from bot.flows import fix
from grievance.db import unit_of_work
from grievance.outbox.delivery import DeliveryError
from grievance.tickets.service import FIX_QUESTION
from grievance.types import Channel
from jalsamvad.runtime import Runtime


class ChannelDeliverer:
    def __init__(self, runtime: Runtime, twilio: TwilioSender | None) -> None:
        self.runtime, self.twilio = runtime, twilio

    @property
    def channels(self) -> frozenset[Channel]:
        """The channels this deliverer can send on."""
        if self.twilio is None:
            return frozenset()
        return frozenset(c for c in (Channel.SMS, Channel.WHATSAPP) if self.twilio.serves(c))

    def __call__(
        self, channel: Channel, contact: str, purpose: str, payload: Mapping[str, Any]
    ) -> str | None:
        if purpose != FIX_QUESTION:
            raise DeliveryError(f"nothing says how to word a {purpose!r} notice", permanent=True)
        if self.twilio is None or not self.twilio.serves(channel):
            raise DeliveryError(f"no sender for {channel.value}", permanent=True)
        with unit_of_work(self.runtime.sessions) as session:  # committed before it leaves
            try:
                reply = fix.question_for(
                    session, self.runtime.vault, channel, contact, str(payload["reference"])
                )
            except fix.CannotAskError as error:
                raise DeliveryError(str(error), permanent=error.permanent) from error
        if reply is None:
            return None  # answered meanwhile: nothing left to ask
        try:
            sent = self.twilio.send(channel, contact, reply, template=FIX_QUESTION)
        except (NoTemplateError, ChannelNotConfiguredError) as error:
            raise DeliveryError(str(error), permanent=True) from error
        except OutboundError as error:
            raise DeliveryError(str(error)) from error
        return sent[0].sid if sent else None

"""Telegram: the Bot API webhook and the messages we send first.

- `view`: the webhook route (`/webhooks/telegram`) feeding python-telegram-bot's Application,
  and the keyboards replies carry;
- `sender`: outbox notices sent through the Bot API by the worker;
- `fixtures/`: updates as Telegram sends them, posted through the app by
  `tests/test_channel_fixtures.py`.
"""

"""Twilio: SMS, WhatsApp and phone calls (IVR).

- `view`: the webhook routes (`/webhooks/twilio/...`: messaging, status, voice) as Twilio posts
  them, each checked by `signature` and read by `form` before anything is stored;
- `twiml`: replies as TwiML for a call; `sender`: messages we send first, through the REST API;
- `fixtures/`: payloads as Twilio sends them, posted through the app by
  `tests/test_channel_fixtures.py`.
"""

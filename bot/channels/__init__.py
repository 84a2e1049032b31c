"""Channels: webhooks that turn provider payloads into `Inbound`s and replies into each medium.

One folder per integration, with its view (the webhook routes), its sender (messages we send
first) and `fixtures/` (payloads as the provider sends them): `bot.channels.twilio` (SMS,
WhatsApp, voice) and `bot.channels.telegram`. Shared by both: `exactly_once` (each inbound
message processed once, a redelivery answered as the first time), `handler` (what a channel
needs from the dialogue), `render` (replies as SMS, WhatsApp and Telegram text), `notify` (outbox
notices worded per channel) and `mount`.

`bot.channels.mount.mount_channels` adds the routes of every configured channel and runs the
Telegram application inside the app's lifespan; the composition root calls it.
"""

"""Conversation flows, one job each; `bot.engine` maps every step to its handler and prompt."""

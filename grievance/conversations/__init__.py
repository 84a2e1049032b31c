"""Conversation state kept for the bot: one row per (channel, sender), the sender only hashed."""

"""The conversational bot: one dialogue engine for WhatsApp, SMS, Telegram and IVR (to come)."""

"""The channels' message log: each inbound message once, and each outbound one's delivery status."""

"""Multilingual understanding of water complaints (to come)."""

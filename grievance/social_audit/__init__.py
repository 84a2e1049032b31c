"""The social audit: figures a Gram Sabha can check, folded from the audit log."""

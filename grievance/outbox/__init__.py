"""Notifications leave through an outbox: a row written in the same transaction as the change
that causes it, delivered later by `jalsamvad worker` (see `grievance.outbox.delivery`)."""

"""The staff API: login, sessions and tokens, the ticket list, one incident, actions.
`api.staff.mount.install` adds it to the application."""

"""Staff: accounts with a jurisdiction, passwords, web sessions, API tokens, and the one rule
deciding which incidents an account may see (`scope.visible_incidents`) and what it may do to
them (`actions.StaffDesk`). A directory member acting by chat is held to the same rule, as a
principal built from the directory (`directory_principal`); the queries are in `repository`."""

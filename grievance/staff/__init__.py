"""Staff: accounts with a jurisdiction, passwords, web sessions, API tokens, and the one rule
deciding which incidents an account may see (`scope.visible_incidents`)."""

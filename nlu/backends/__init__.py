"""NLU backends behind the one `nlu.result.Backend` interface (`rasa`: see `nlu.backends.rasa`)."""

"""Our own parts that Rasa loads by module path from endpoints.yml (the NLU components, which
the model's config names, are in nlu/)."""

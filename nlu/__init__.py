"""Svar's own Rasa graph components, referenced from a config by module path."""

"""Handing a conversation to a person: the context card the agent sees, built from the tracker."""

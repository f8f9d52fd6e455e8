"""Custom actions for the Rasa assistant, one module per capability.

Each action's `run()` only gathers inputs from the tracker and calls plain functions that
are tested without Rasa.
"""

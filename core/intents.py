"""Groups of intents and answers that several parts read: one list each, so the copies cannot
differ."""

from __future__ import annotations

# What the FallbackClassifier predicts when no intent is likely enough.
FALLBACK = "nlu_fallback"

# The answers that say the bot did not understand (content/answers/fallback.yml): each one is a
# miss, counted by the fallback (three in a row hand over) and by the metrics.
REPHRASE = "utter_ask_rephrase"
OFFER_HUMAN = "utter_fallback_offer_human"
MISS_ANSWERS = frozenset({REPHRASE, OFFER_HUMAN})

# Small talk and misses: never a "did you mean" button ("did you mean: hello?"), so they need no
# topic title in content/topics.yml. Read by the fallback and the content check.
NOT_SUGGESTED = frozenset(
    {FALLBACK, "greet", "goodbye", "thank", "affirm", "deny", "inform", "out_of_scope"}
)

# The matters most customers come about: the topics a miss offers when nothing in the message
# points to one (keyboard mash), so "pick a topic below" always has topics below it.
COMMON_TOPICS = ("invoice_explain", "power_outage", "moving")

# Intents that say how the customer talks or what they want done with the conversation, not
# what their matter is about: never the topic on a context card. Asking for a person or a call
# back is a fine suggestion when the bot is lost, but it is not the customer's matter.
NOT_TOPICS = NOT_SUGGESTED | {
    "bot_challenge",
    "request_human",
    "request_callback",
    "frustrated",
    "rate",
    "handoff_closed",
}

# Matters that cannot wait for the desk to open or an agent to come: when no one can take the
# chat, the bot gives the on-call number, which answers day and night.
URGENT = frozenset({"power_outage", "power_danger"})

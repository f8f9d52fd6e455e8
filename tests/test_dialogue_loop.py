"""Rasa's own prediction loop, with the real trained model and the real actions, but no HTTP:
whatever a message is, the turn ends after one answer and the circuit breaker never trips.

Rasa predicts action after action until one is `action_listen`; when none is, it stops only
after MAX_NUMBER_OF_PREDICTIONS (rasa/core/processor.py), and every prediction in between may
send the customer a message. This runs that loop (Agent → MessageProcessor) on the policy
configuration in config.yml. The actions run in this process through rasa-sdk's own executor,
and answers are rendered as the front door's NLG endpoint renders them.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.nlg.generator import NaturalLanguageGenerator
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk.executor import ActionExecutor

from bot.nlg import message_language, render
from core.company import CompanyProfile
from core.content.answers import AnswerBook
from core.content.facts import company_facts, filled_topic_titles
from core.content.locale import Locale
from tests.helpers import ROOT

CONTENT = ROOT / "content"
PROFILE = CompanyProfile.load(CONTENT / "company.yml", ROOT)
LOCALES = Locale.load_all(CONTENT / "locale.yml")
ANSWERS = AnswerBook.load(CONTENT / "answers")
FACTS = {lang: company_facts(PROFILE, LOCALES[lang]) for lang in PROFILE.languages}
TOPICS = filled_topic_titles(
    yaml.safe_load((CONTENT / "topics.yml").read_text(encoding="utf-8")), FACTS
)
# The most messages one answer is designed to have (a complaint: registered, then queued).
MAX_MESSAGES = 3


class InProcessActions(EndpointConfig):
    """Rasa's action endpoint, answered by rasa-sdk's executor with our actions, in-process."""

    def __init__(self) -> None:
        super().__init__(url="in-process://actions")
        self.executor = ActionExecutor()
        self.executor.register_package("actions")

    async def request(self, method: str = "post", subpath: str | None = None, **kwargs: Any) -> Any:
        return await self.executor.run(kwargs["json"])


class ContentAnswers(NaturalLanguageGenerator):
    """The answers from content/, rendered as the front door's /nlg renders them."""

    async def generate(
        self, utter_action: str, tracker: DialogueStateTracker, output_channel: str, **kwargs: Any
    ) -> dict[str, Any] | None:
        state = tracker.current_state(EventVerbosity.AFTER_RESTART)
        language = message_language(state, PROFILE.languages) or PROFILE.languages[0]
        return render(
            ANSWERS,
            utter_action,
            language,
            FACTS[language],
            LOCALES[language],
            kwargs,
            state.get("slots") or {},
            TOPICS,
            PROFILE,
        ).to_dict()


@pytest.fixture(scope="module")
def agent(trained_model: Path) -> Agent:
    """The trained model with our actions and answers; trackers kept in memory."""
    # Loading imports spaCy, typer and more, which warn about their own dependencies, and Rasa
    # warns about slot auto-fill on every domain; none of it is ours to fix.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Agent.load(
            str(trained_model), generator=ContentAnswers(), action_endpoint=InProcessActions()
        )


@dataclass(frozen=True)
class Turn:
    texts: list[str]  # what the customer read
    actions: list[str]  # what Rasa ran, ending with action_listen when the turn ended
    tripped: bool  # Rasa's circuit breaker stopped the predictions


async def say(agent: Agent, sender: str, text: str, caplog: pytest.LogCaptureFixture) -> Turn:
    """One customer message through Rasa's prediction loop: what the bot did and said."""
    caplog.clear()
    output = CollectingOutputChannel()
    metadata = {"language": "nb", "channel": "web"}
    with caplog.at_level(logging.WARNING, logger="rasa.core.processor"):
        await agent.handle_message(UserMessage(text, output, sender, metadata=metadata))
    tracker = await agent.tracker_store.retrieve(sender)
    assert tracker is not None
    events = list(tracker.events)
    start = max(i for i, e in enumerate(events) if isinstance(e, UserUttered))
    actions = [e.action_name or "" for e in events[start:] if isinstance(e, ActionExecuted)]
    tripped = any("Circuit breaker tripped" in r.getMessage() for r in caplog.records)
    return Turn([str(m.get("text")) for m in output.messages], actions, tripped)


CONVERSATIONS = [
    ["ok"],
    ["👍"],
    ["kiitos"],
    ["öppet"],
    ["när har ni öppet?"],
    ["12345678"],
    ["0150"],
    ["nei"],
    ["..."],
    ["?"],
    ["asdfghjkl"],
    ["🙂🙂🙂"],
    ["Kari Nordmann"],
    ["danke schön"],
    ["hei", "ok"],
    ["ok", "ok"],
    ["12345678", "0150"],
    ["hva koster strømmen", "ok", "👍"],
    ["hei", "?", "???"],
    ["når har dere åpent", "takk", "ok"],
]


@pytest.mark.parametrize("messages", CONVERSATIONS, ids=" / ".join)
async def test_every_message_gets_one_answer_and_the_circuit_breaker_never_trips(
    agent: Agent, messages: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    sender = f"loop-{'-'.join(messages)}"
    for text in messages:
        turn = await say(agent, sender, text, caplog)
        assert not turn.tripped, f"{text!r}: the circuit breaker tripped after {turn.actions}"
        assert turn.actions[-1] == "action_listen", (
            f"{text!r}: the turn did not end: {turn.actions}"
        )
        assert turn.actions.count("action_fallback") <= 1, f"{text!r}: {turn.actions}"
        assert 1 <= len(turn.texts) <= MAX_MESSAGES, f"{text!r}: {turn.texts}"
        assert len(set(turn.texts)) == len(turn.texts), f"{text!r} got a repeat: {turn.texts}"


async def test_a_first_ok_gets_how_can_i_help_and_a_bare_number_is_kept_for_the_next_step(
    agent: Agent, caplog: pytest.LogCaptureFixture
) -> None:
    turn = await say(agent, "loop-ok-first", "ok", caplog)
    assert turn.texts == [ANSWERS.render("utter_how_can_i_help", "nb", FACTS["nb"], "nb").text]
    turn = await say(agent, "loop-number-first", "12345678", caplog)
    assert turn.texts == [ANSWERS.render("utter_what_is_it_about", "nb", FACTS["nb"], "nb").text]
    tracker = await agent.tracker_store.retrieve("loop-number-first")
    assert tracker is not None and tracker.get_slot("customer_number") == "12345678"

"""The load benchmark's figures: CPU time per message (what a stack's processes and their
children spent), and which answers count as failed."""

from __future__ import annotations

import os
import subprocess
import sys

from benchmarks.load import Run, table, unavailable_prefixes
from benchmarks.load_stacks import ROOT, cpu_spent
from core.content.answers import AnswerBook

# A child process that spends half a second of CPU, says so, then waits for its stdin to close.
BUSY_CHILD = """
import sys, time
end = time.process_time() + 0.5
while time.process_time() < end:
    pass
print("done", flush=True)
sys.stdin.read()
"""


def test_a_childs_cpu_counts_while_it_lives_and_after_it_ended() -> None:
    with cpu_spent({"me": os.getpid()}) as spent:
        child = subprocess.Popen(
            [sys.executable, "-c", BUSY_CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert child.stdout is not None and child.stdout.readline() == b"done\n"
    assert spent["me"] >= 0.5  # the child still lives

    with cpu_spent({"me": os.getpid()}) as spent:
        child.communicate()  # it ends and is waited for: its time moves into ours
    assert 0 <= spent["me"] < 0.1
    with cpu_spent({"me": os.getpid()}) as spent:
        subprocess.run([sys.executable, "-c", BUSY_CHILD], input=b"", check=True)
    assert spent["me"] >= 0.5


def test_cpu_per_message_sums_both_passes_and_an_older_run_shows_a_dash() -> None:
    first = Run([0.1, 0.2], 1.0, 0, {"rasa": 0.03, "frontdoor": 0.01})
    second = Run([0.1, 0.3], 1.0, 0, {"rasa": 0.05, "actions": 0.01})
    both = first + second
    assert both.cpu == {"rasa": 0.08, "frontdoor": 0.01, "actions": 0.01}
    assert round(both.cpu_per_message * 1000) == 25  # 100 ms over 4 messages

    older = {k: v for k, v in both.to_dict().items() if not k.startswith("cpu")}
    printed = table(
        {
            "now": {"c10": {"frontdoor": both.to_dict(), "rasa": both.to_dict()}},
            "earlier": {"c10": {"frontdoor": older, "rasa": older}},
        }
    )
    assert "| now | 10 | 2.0 | 150 | 300 | 25 |" in printed
    assert "| earlier | 10 | 2.0 | 150 | 300 | – |" in printed


def test_only_the_front_doors_apology_counts_as_a_failed_message() -> None:
    prefixes = unavailable_prefixes()
    for answer in AnswerBook.load(ROOT / "content" / "answers"):
        for _, _, variant in answer.each():
            failed = variant.text.startswith(prefixes)
            assert failed == (answer.name == "utter_unavailable"), (answer.name, variant.text)

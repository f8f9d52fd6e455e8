"""Every test story (tests/stories/: the topics, every path to a person and back) against the
real trained model, in one `rasa test` run, so Rasa loads the model once for all of them.

The stories use the customers' words in phrasings the training data does not hold
(tests/test_unseen_phrasings.py checks that), so this measures understanding, not memory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.stack


@pytest.mark.timeout(900)  # one run for every story, on a machine that may be busy
def test_every_test_story_is_predicted_turn_by_turn(trained_model: Path, tmp_path: Path) -> None:
    command = [
        sys.executable, "-m", "rasa", "test", "core",
        "--model", str(trained_model),
        "--stories", "tests/stories",
        "--out", str(tmp_path),
        "--fail-on-prediction-errors",
    ]  # fmt: skip
    result = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
        timeout=880,
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = (
        failed.read_text() if failed.exists() else result.stdout[-3000:] + result.stderr[-3000:]
    )
    assert result.returncode == 0, details

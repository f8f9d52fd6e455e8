"""The test stories (tests/test_stories.yml) against the real trained model, with `rasa test`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT


@pytest.mark.timeout(900)  # one run for every story: loading the model is most of it
def test_every_test_story_is_predicted_turn_by_turn(trained_model: Path, tmp_path: Path) -> None:
    command = [
        sys.executable, "-m", "rasa", "test", "core",
        "--model", str(trained_model),
        "--stories", "tests/test_stories.yml",
        "--out", str(tmp_path),
        "--fail-on-prediction-errors",
    ]  # fmt: skip
    result = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = (
        failed.read_text() if failed.exists() else result.stdout[-3000:] + result.stderr[-3000:]
    )
    assert result.returncode == 0, details

"""Train the Rasa model only when its inputs changed.

The model's file name carries a hash of everything training reads (config, domain, training
data, the tokenizer builder, the pinned requirements), so an unchanged project finds its
model at once, and `make test` reuses the model `make run` trained.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import subprocess
import sys
from pathlib import Path

from stack import spacy_model

log = logging.getLogger(__name__)

KEEP_MODELS = 3


def ensure_model(root: Path, state: Path, config: str = "config.yml") -> Path:
    """The trained model for the project as it is now, training it if there is none.

    Several processes may ask at once (`make run` and `make test`, parallel test sessions):
    one trains while the others wait on a lock, and a model appears under its final name
    only once it is complete. Another `config` (a benchmark's) trains under its own name.
    """
    model = model_path(root, state, config)
    models = model.parent
    models.mkdir(parents=True, exist_ok=True)
    if model.exists():  # complete: it gets its name only then (no wait on another training)
        return model
    with (models / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not model.exists():
            _train(root, state, model, config)
    return model


def model_path(root: Path, state: Path, config: str = "config.yml") -> Path:
    """Where the model for the project as it is now is, or will be once trained."""
    prefix = "svar" if config == "config.yml" else Path(config).stem
    return state / "models" / f"{prefix}-{fingerprint(root, config)[:16]}.tar.gz"


def _train(root: Path, state: Path, model: Path, config: str) -> None:
    tokenizer = state / "spacy" / "nordic"
    env = train_environment()
    if not tokenizer.exists():
        # In its own process: spaCy's import is heavy and warns, and callers may be tests.
        subprocess.run(
            [sys.executable, "-m", "stack.spacy_model", str(tokenizer)],
            cwd=root,
            check=True,
            env=env,
        )
    log.info("training %s (the training data or config changed)", model.name)
    partial = model.with_name(f"partial-{os.getpid()}")
    subprocess.run(train_command(config, partial), cwd=root, check=True, env=env)
    os.replace(partial.with_name(f"{partial.name}.tar.gz"), model)
    prefix = model.name.rsplit("-", 1)[0]
    models = sorted(model.parent.glob(f"{prefix}-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    for old in models[:-KEEP_MODELS]:
        old.unlink()


def train_command(config: str, model: Path) -> list[str]:
    """Rasa's training of the whole assistant (NLU and dialogue) into `model`.tar.gz, run in the
    project's folder."""
    return [
        sys.executable, "-m", "rasa", "train",
        "--config", config, "--domain", "domain.yml", "--data", "data",
        "--out", str(model.parent), "--fixed-model-name", model.name,
    ]  # fmt: skip


def train_environment() -> dict[str, str]:
    """The environment training runs in: TensorFlow quiet, no telemetry sent."""
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false"}


def fingerprint(root: Path, config: str = "config.yml") -> str:
    root = root.resolve()
    digest = hashlib.sha256()
    inputs = [
        root / config,
        root / "domain.yml",
        root / "requirements.txt",
        Path(spacy_model.__file__),
        *sorted((root / "nlu").glob("*.py")),  # our own Rasa components
        *sorted((root / "data").rglob("*.yml")),
    ]
    for path in inputs:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    here = Path(__file__).resolve().parent.parent
    print(ensure_model(here, here / ".state"))

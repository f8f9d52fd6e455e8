"""Train the Rasa model only when its inputs changed.

The model's file name carries a hash of everything training reads (config, domain, training
data, the tokenizer builder, the pinned requirements), so an unchanged project finds its
model at once, and `make test` reuses the model `make run` trained.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
from pathlib import Path

from stack import spacy_model

log = logging.getLogger(__name__)

KEEP_MODELS = 3


def ensure_model(root: Path, state: Path) -> Path:
    """The trained model for the project as it is now, training it if there is none."""
    models = state / "models"
    model = models / f"svar-{fingerprint(root)[:16]}.tar.gz"
    if model.exists():
        return model
    tokenizer = state / "spacy" / "nordic"
    if not tokenizer.exists():
        spacy_model.build(tokenizer)
    models.mkdir(parents=True, exist_ok=True)
    log.info("training %s (the training data or config changed)", model.name)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "train",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--out",
            str(models),
            "--fixed-model-name",
            model.name.removesuffix(".tar.gz"),
        ],
        cwd=root,
        check=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
    )
    for old in sorted(models.glob("svar-*.tar.gz"), key=lambda p: p.stat().st_mtime)[:-KEEP_MODELS]:
        old.unlink()
    return model


def fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    inputs = [
        root / "config.yml",
        root / "domain.yml",
        root / "requirements.txt",
        Path(spacy_model.__file__),
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

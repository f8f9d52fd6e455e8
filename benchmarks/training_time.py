"""How long training the whole assistant takes from scratch, and where the time goes.

Trains each config named (default: config.yml) on the project's domain and data with the command
`make model` runs (stack/train.py), Rasa's training cache off, as on a fresh clone, into
.state/benchmarks/training/. Several configs and runs are interleaved (A B A B ...), so all meet
the same machine. Prints per config the median wall time of the whole training, each
component's training time and the time between components (reading and featurising the
training data, saving the model), each run as it ends and then medians over the runs, with the
ratio to the first config. Each component's time is read from Rasa's training hooks' log lines
as they arrive.

    .venv/bin/python -m benchmarks.training_time [--configs config.yml other.yml] [--runs 1]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import nlu_runs
from stack.train import train_command, train_environment

HOOK = re.compile(r"- (Starting to train|Finished training) component '(\w+)'")
BETWEEN = "between components (reading, featurising, saving)"


@dataclass
class Training:
    """One training's wall time and the seconds of each of its steps, in order."""

    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=["config.yml"])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    print(f"before: {nlu_runs.load_average()}", flush=True)
    results: dict[str, list[Training]] = defaultdict(list)
    for run in range(args.runs):
        for config in args.configs:
            print(f"== {config}, run {run + 1}/{args.runs}", flush=True)
            training = train(config)
            results[config].append(training)
            report_steps(training.seconds, training.steps)  # as it goes: a run is long
    print(f"after: {nlu_runs.load_average()}")
    report(args.configs, results)


def train(config: str) -> Training:
    out = nlu_runs.STATE / "training" / Path(config).stem
    env = {
        **train_environment(),
        "RASA_MAX_CACHE_SIZE": "0",  # as on a fresh clone: nothing reused from an earlier training
        "PYTHONUNBUFFERED": "1",
    }
    training = Training()
    started = mark = time.perf_counter()
    with subprocess.Popen(
        train_command(config, out),
        cwd=nlu_runs.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            hook = HOOK.search(line)
            if hook is None:
                continue
            now = time.perf_counter()
            step = BETWEEN if hook.group(1).startswith("Starting") else hook.group(2)
            training.steps[step] = training.steps.get(step, 0.0) + now - mark
            mark = now
    if process.returncode:
        raise RuntimeError(f"training {config} failed (exit {process.returncode})")
    training.seconds = time.perf_counter() - started
    training.steps[BETWEEN] = training.steps.get(BETWEEN, 0.0) + training.seconds - (mark - started)
    return training


def report(configs: list[str], results: dict[str, list[Training]]) -> None:
    first = statistics.median(t.seconds for t in results[configs[0]])
    for config in configs:
        runs = results[config]
        total = statistics.median(t.seconds for t in runs)
        print(
            f"\n[{config}] whole training: median {_minutes(total)} over {len(runs)} run(s), "
            f"{total / first:.2f}x {configs[0]}"
        )
        steps = {step for t in runs for step in t.steps}
        report_steps(
            total, {step: statistics.median(t.steps.get(step, 0.0) for t in runs) for step in steps}
        )


def report_steps(total: float, steps: dict[str, float]) -> None:
    print(f"  {'whole training':<52} {total:7.1f} s")
    for step, seconds in sorted(steps.items(), key=lambda item: -item[1]):
        print(f"  {step:<52} {seconds:7.1f} s  {seconds / total:6.1%}")


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min {seconds % 60:.0f} s"


if __name__ == "__main__":
    main()

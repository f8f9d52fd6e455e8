"""The clock a test or demo sets: a fixed start, or a file a simulation rewrites."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from core.clock import clock_starting


def test_a_file_clock_starts_at_the_files_time_and_again_when_it_is_rewritten(
    tmp_path: Path,
) -> None:
    path = tmp_path / "clock"
    path.write_text("2026-11-02T09:00:00+01:00\n")
    clock = clock_starting(f"file:{path}")
    first = clock()
    assert datetime.fromisoformat("2026-11-02T09:00:00+01:00") <= first
    assert (first - datetime.fromisoformat("2026-11-02T09:00:00+01:00")).total_seconds() < 5

    path.write_text("2026-11-27T14:30:00+01:00")
    stat = path.stat()  # a rewrite within the file system's time resolution still counts
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    moved = clock()
    assert datetime.fromisoformat("2026-11-27T14:30:00+01:00") <= moved
    assert (moved - datetime.fromisoformat("2026-11-27T14:30:00+01:00")).total_seconds() < 5

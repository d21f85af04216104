"""The progress bar: bytes done, rate, time left; only on a terminal, only for large work."""

from __future__ import annotations

import io

from ovfkit.ova.progress import PROGRESS_THRESHOLD, ProgressBar, terminal_progress

MIB = 1024 * 1024


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_render_shows_bytes_rate_and_time_left() -> None:
    bar = ProgressBar("verify", Terminal(), clock=Clock())
    assert bar.render(512 * MIB, 1024 * MIB, 2.0) == (
        "verify  [############------------]   50%  512 MiB / 1 GiB  256 MiB/s  0:02 left"
    )


def test_render_without_total() -> None:
    bar = ProgressBar("verify", Terminal(), clock=Clock())
    assert bar.render(300 * MIB, None, 3.0) == "verify  300 MiB  100 MiB/s"


def test_small_work_draws_nothing() -> None:
    stream = Terminal()
    bar = ProgressBar("verify", stream)
    bar(10, 100)
    bar.close()
    assert stream.getvalue() == ""


def test_redraws_are_throttled_and_the_end_is_drawn() -> None:
    stream = Terminal()
    clock = Clock()
    bar = ProgressBar("pack", stream, clock=clock, threshold=10)
    total = 1000 * MIB
    clock.now = 1.0
    bar(100 * MIB, total)
    clock.now = 1.1
    bar(200 * MIB, total)  # too soon: skipped
    clock.now = 2.0
    bar(total, total)
    bar.close()
    frames = stream.getvalue().split("\r")[1:]
    assert len(frames) == 2
    assert "100%" in frames[-1] and frames[-1].endswith("\n")


def test_only_on_a_terminal() -> None:
    assert terminal_progress("x", stream=io.StringIO()) is None
    assert terminal_progress("x", stream=Terminal(), quiet=True) is None
    assert isinstance(terminal_progress("x", stream=Terminal()), ProgressBar)


def test_threshold_is_a_few_hundred_megabytes() -> None:
    assert 100 * MIB <= PROGRESS_THRESHOLD <= 512 * MIB

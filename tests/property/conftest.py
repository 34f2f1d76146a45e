"""Hypothesis settings for the property suite: reproducible, bounded, no example database.

``ci`` (the default) is derandomized, so a run on CI tries exactly what a run on a laptop does;
set ``HYPOTHESIS_PROFILE=deep`` for a longer, randomized local hunt. The per-example deadline
turns a parser that slows down on some input into a failure instead of a slow suite.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

_COMMON = {
    "database": None,  # nothing written to .hypothesis/ (it is gitignored all the same)
    # The suite's autouse fixtures (isolated dirs, memory keyring) are function-scoped; the
    # properties never touch them, so sharing them between examples is harmless.
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "print_blob": True,
}
settings.register_profile(
    "ci", max_examples=200, deadline=timedelta(seconds=1), derandomize=True, **_COMMON
)
settings.register_profile("deep", max_examples=5_000, deadline=timedelta(seconds=2), **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

"""The numerics versions: what the training code computes, as numbers a maintainer bumps.

A pre-trained run, a stored 2-D result and a notebook's committed outputs record
the version that made them, and are current while it is the version here. Bump
:data:`NUMERICS` (the MNIST trainers) or :data:`NUMERICS_2D` (the 2-D experiments
of notebook 04) only with a change that is meant to change what training
computes, then record new reference numbers (``wgan-lab-numbers --record``) and
retrain (``make pretrain``). Editing a message, a label, a log line or the list of
runs changes neither, so it never makes a run stale. ``wgan-lab-numbers``
(:mod:`labhelpers.tools.same_numbers`, a CI test) catches a change that moves the
numbers without a bump.
"""

from __future__ import annotations

from collections.abc import Mapping

NUMERICS = 1
NUMERICS_2D = 1

# Before these numbers existed, runs recorded a hash of the training code's syntax.
# These hashes computed the numbers of version 1 (shown by the same-numbers check
# of their day), so runs and results stamped with them stay current.
_HASHES_OF_VERSION_1 = {
    "numerics": {
        "935e906cecaa", "a944fe124517", "d913101ba0fe", "f1219bbe0ab8", "617fc84473ea",
        "de7b8406baaa", "10c80979a38f", "75dbc675be5a", "7b4e76caa7cb",
    },
    "numerics_2d": {
        "exact2d-79114c3119f0", "exact2d-e7fdfa516193", "exact2d-5c1858a841a5",
        "exact2d-7761361e758c",
    },
}  # fmt: skip


def recorded(record: Mapping, key: str = "numerics") -> int | None:
    """The numerics version a run's settings, a stored result or a notebook stamp
    records under ``key`` ('numerics' or 'numerics_2d'); None when it records none."""
    if key in record:
        return int(record[key])
    code = record.get("code")
    code = code.item() if hasattr(code, "item") else code  # a stored NumPy string
    return 1 if code in _HASHES_OF_VERSION_1[key] else None

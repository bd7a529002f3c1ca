# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors
from ansible_collections.aurigraph.dlt.plugins.module_utils.timeutil import format_duration, iso, parse_duration


@pytest.mark.parametrize("text,seconds", [
    ("1h", 3600), ("30m", 1800), ("3600s", 3600), ("2d", 172800), ("1w", 604800), ("1h30m", 5400),
    ("90", 90), (" 2H ", 7200), (45, 45), ("0.5h", 1800)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "1x", "h", "1h-", "-1h", "0", "0m", "1 hour", True, None, "1h 2"])
def test_parse_duration_rejects(text):
    with pytest.raises(errors.ValidationError, match="stuck_older_than must be"):
        parse_duration(text, "stuck_older_than")


def test_format_and_iso():
    assert format_duration(3600) == "1h"
    assert format_duration(5400) == "1h30m"
    assert format_duration(59) == "59s"
    assert format_duration(90061) == "1d1h1m1s"
    assert format_duration(-3) == "0s"
    assert iso(1795446000) == "2026-11-23T15:00:00Z"

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Time parsing shared by the modules: timestamps from the API and durations from users."""

from __future__ import annotations

import calendar
import datetime
import re

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors

DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_time(value):
    """Seconds since the epoch (float) from epoch seconds/milliseconds or an ISO-8601 string; None if unknown."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
        return number / 1000.0 if number > 1e11 else number
    text = str(value).strip()
    if not text:
        return None
    if re.match(r"^-?\d+(\.\d+)?$", text):
        return parse_time(float(text))
    match = re.match(
        r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?$",
        text, re.IGNORECASE)
    if not match:
        return None
    year, month, day, hour, minute = (int(match.group(i)) for i in range(1, 6))
    second = int(match.group(6) or 0)
    fraction = float("0." + match.group(7)) if match.group(7) else 0.0
    try:
        moment = datetime.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    epoch = calendar.timegm(moment.timetuple()) + fraction
    zone = match.group(8)
    if zone and zone.upper() != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        epoch -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return epoch


def parse_duration(value, name="duration"):
    """Seconds from ``90``, ``3600s``, ``30m``, ``1h``, ``2d``, ``1w`` or a combination like ``1h30m``."""
    if isinstance(value, bool):
        raise errors.ValidationError("%s must be a duration such as 1h, 30m, 3600s or 2d, got %r" % (name, value))
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        text = str(value or "").strip().lower().replace(" ", "")
        if re.match(r"^\d+(\.\d+)?$", text):
            seconds = float(text)
        else:
            parts = re.findall(r"(\d+(?:\.\d+)?)([smhdw])", text)
            if not text or not parts or "".join(n + u for n, u in parts) != text:
                raise errors.ValidationError(
                    "%s must be a duration such as 1h, 30m, 3600s or 2d, got %r" % (name, value))
            seconds = sum(float(n) * DURATION_UNITS[u] for n, u in parts)
    if seconds <= 0:
        raise errors.ValidationError("%s must be a positive duration, got %r" % (name, value))
    return seconds


def format_duration(seconds):
    """``3600`` -> ``1h``, ``5400`` -> ``1h30m``, ``59`` -> ``59s``."""
    seconds = int(round(seconds))
    if seconds <= 0:
        return "0s"
    out = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            out.append("%d%s" % (seconds // size, unit))
            seconds %= size
    return "".join(out)


def iso(epoch):
    """Epoch seconds -> ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

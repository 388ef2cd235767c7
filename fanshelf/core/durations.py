"""Audio lengths as people read them ("1:02:03") and as HTML's <time datetime> wants them ("PT1H2M3S")."""

from __future__ import annotations


def _hours_minutes_seconds(seconds: float) -> tuple[int, int, int]:
    whole = max(0, round(seconds))
    return whole // 3600, whole % 3600 // 60, whole % 60


def duration(seconds: float | None) -> str:
    """3723.4 -> "1:02:03"; 59.6 -> "0:01:00"."""
    hours, minutes, secs = _hours_minutes_seconds(seconds or 0)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def iso_duration(seconds: float | None) -> str:
    """3723.4 -> "PT1H2M3S" (a valid HTML duration string)."""
    hours, minutes, secs = _hours_minutes_seconds(seconds or 0)
    return f"PT{hours}H{minutes}M{secs}S"

"""When an integration syncs next: every `sync_frequency` times `sync_cadence`, or inside the
slots of a custom weekly schedule (each slot with its own frequency, in the schedule's zone)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pmsgate.connectors.throttle import CADENCE_SECONDS
from pmsgate.errors import BadRequest

DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
ZONES = (
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
)
MIN_INTERVAL = timedelta(minutes=1)


def interval(frequency: int, cadence: str) -> timedelta:
    return max(MIN_INTERVAL, timedelta(seconds=frequency * CADENCE_SECONDS[cadence]))


def _hhmm(value: str, path: list[str | int]) -> time:
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except (ValueError, AttributeError):
        raise BadRequest.field(path, "must be HH:MM (24-hour)") from None


def validate_custom_schedule(schedule: dict[str, Any]) -> dict[str, Any]:
    base: list[str | int] = ["custom_sync_schedule"]
    if schedule.get("type") != "WEEK_BASED":
        raise BadRequest.field([*base, "type"], "must be WEEK_BASED")
    if schedule.get("timezone") not in ZONES:
        raise BadRequest.field([*base, "timezone"], f"must be one of {', '.join(ZONES)}")
    days = schedule.get("interval")
    if not isinstance(days, dict):
        raise BadRequest.field([*base, "interval"], "must be an object keyed by day of week")
    for day, spec in days.items():
        if day not in DAYS:
            raise BadRequest.field([*base, "interval", day], "is not a day of the week")
        slots = spec.get("slots") if isinstance(spec, dict) else None
        if not isinstance(slots, list):
            raise BadRequest.field([*base, "interval", day, "slots"], "must be a list")
        for i, slot in enumerate(slots):
            path: list[str | int] = [*base, "interval", day, "slots", i]
            start, end = _hhmm(slot.get("start"), [*path, "start"]), _hhmm(slot.get("end"), [*path, "end"])
            if end <= start:
                raise BadRequest.field([*path, "end"], "must be after start")
            freq = slot.get("sync_frequency")
            if not isinstance(freq, int) or freq <= 0:
                raise BadRequest.field([*path, "sync_frequency"], "must be a positive integer")
            if slot.get("sync_cadence") not in CADENCE_SECONDS:
                raise BadRequest.field([*path, "sync_cadence"], "is not a cadence")
    return schedule


def next_run(now: datetime, frequency: int, cadence: str, custom: dict[str, Any] | None = None) -> datetime:
    if not custom:
        return now + interval(frequency, cadence)
    zone = ZoneInfo(custom["timezone"])
    local = now.astimezone(zone)
    # Look up to 8 days ahead for the next moment inside a slot.
    for day_offset in range(8):
        day = (local + timedelta(days=day_offset)).date()
        slots = custom["interval"].get(DAYS[day.weekday()], {}).get("slots", [])
        for slot in sorted(slots, key=lambda s: s["start"]):
            start = datetime.combine(day, _hhmm(slot["start"], []), tzinfo=zone)
            end = datetime.combine(day, _hhmm(slot["end"], []), tzinfo=zone)
            step = interval(slot["sync_frequency"], slot["sync_cadence"])
            if local < start:
                return start.astimezone(now.tzinfo)
            if local < end and local + step < end:
                return (local + step).astimezone(now.tzinfo)
    return now + interval(frequency, cadence)

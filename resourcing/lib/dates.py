"""Days and instants: days are calendar days in UTC (TIME_ZONE = "UTC", design.md)."""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.now().astimezone(datetime.UTC).date()


def start_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant of `day` (UTC)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` (UTC): what happened before it happened by that day."""
    return start_of_day(day + datetime.timedelta(days=1))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier); the 29th-31st fall back to the month's end."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole calendar months from `start` to `end` (negative when `end` is earlier): a
    deadline moved from 2025-08-18 to 2027-08-18 slipped 24 months."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and end.day < start.day:
        months -= 1
    elif months < 0 and end.day > start.day:
        months += 1
    return months

"""Step goals as files: CSV (day, goal, why) and iCalendar (RFC 5545), pure text builders."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from ..files import write_csv
from ..models import GoalDay


def goals_csv(goals: Sequence[GoalDay]) -> str:
    """CSV text with columns day, goal, why (text cells escaped with `files.csv_safe`)."""
    buffer = io.StringIO()
    write_csv(buffer, ["day", "goal", "why"], ([g.day.isoformat(), g.goal, g.why] for g in goals))
    return buffer.getvalue()


def ics_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def ics_fold(line: str, limit: int = 75) -> str:
    """Fold a content line at `limit` octets (RFC 5545 3.1), never inside a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        # continuation lines start with one space, which counts toward the limit
        if size + width > limit:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def goals_ics(goals: Sequence[GoalDay], *, athlete: str = "me", stamp: datetime | None = None) -> str:
    """A VCALENDAR with one all-day VEVENT per goal; UIDs are stable so a re-import updates."""
    stamp_text = (stamp or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//loadwatch//step goals//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    safe_athlete = "".join(c for c in athlete if c.isalnum() or c in "-_.") or "athlete"
    for goal in goals:
        day = goal.day
        lines += [
            "BEGIN:VEVENT",
            f"UID:{day.strftime('%Y%m%d')}-step-goal-{safe_athlete}@loadwatch",
            f"DTSTAMP:{stamp_text}",
            f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(day + timedelta(days=1)).strftime('%Y%m%d')}",
            "SUMMARY:" + ics_escape(f"Step goal {goal.goal:,}"),
            "DESCRIPTION:" + ics_escape(goal.why),
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)


__all__ = ["goals_csv", "goals_ics", "ics_escape", "ics_fold"]

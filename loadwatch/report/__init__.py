"""The load report PDF: `write_report(store, athlete, path, as_of=, weeks=, metric=)`.

matplotlib is imported only when a report is made (`report.pdf`), so other commands stay light;
`report.text` (the wording and numbers) needs no matplotlib.
"""

from __future__ import annotations

from typing import Any

__all__ = ["default_filename", "write_report"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import pdf

        return getattr(pdf, name)
    raise AttributeError(name)

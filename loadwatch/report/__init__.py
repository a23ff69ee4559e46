"""The load report: figures (matplotlib, no I/O) -> pages -> PDF, and the step goals as CSV and iCalendar.

`data` and `text` hold the numbers and words and need no matplotlib; `figures`, `pages` and `pdf`
draw them. Nothing here reads the store or imports the CLI: `loadwatch.api` hands the results in.
"""

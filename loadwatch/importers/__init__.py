"""The readers: one module per format behind one protocol (`base.Importer`); FIT in `importers/fit/`.

Importers know nothing of SQLite, pandas or the terminal: bytes in, a `ParsedFile` out, or a
LoadwatchError. `registry` lists them and detects a file's format by content.
"""

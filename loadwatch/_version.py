"""The version of loadwatch: one place, read by pyproject.toml and `loadwatch --version`."""

__version__ = "0.1.0"

"""The slow, general path: decode with fitdecode into the same `FitContent` the fast path fills.

Used for a file the fast path cannot handle (`FastPathUnsupported`), and by the tests as the
reference decoder. Raw field values go through the same conversion as the fast path.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import fitdecode
from fitdecode.types import BASE_TYPE_BYTE, DevFieldDefinition

from ...errors import CorruptFile
from .decode import Layout
from .messages import FIELDS, RECORD, TIMESTAMP, FitContent, as_timestamp


def decode(data: bytes, layout: Layout, *, strict: bool) -> FitContent:
    """Decode the FIT parts of `data` (as found by `fit_decode.split`) with fitdecode."""
    c = FitContent(decoder="fitdecode")
    end = layout.parts[-1][2] + (0 if layout.truncated else 2)
    last_ts: int | None = None
    # IGNORE, as the fast path does: a field whose size does not fit its type, or a developer field
    # without its description, is read as bytes (so none here) instead of ending the file
    reader = fitdecode.FitReader(io.BytesIO(data[:end]), processor=None, check_crc=fitdecode.CrcCheck.DISABLED,
                                 error_handling=fitdecode.ErrorHandling.IGNORE)
    frames = iter(reader)
    try:
        while True:
            frame = _next_frame(frames)
            if frame is None:
                break
            if isinstance(frame, fitdecode.FitHeader):
                c.n_headers += 1
                last_ts = None
                continue
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            c.n_messages += 1
            gmn = frame.global_mesg_num
            spec = FIELDS.get(gmn)
            raw: dict[int, object] = {}
            for fd in frame.fields:
                compressed_ts = fd.field_def is None and fd.def_num == TIMESTAMP  # from a compressed header
                if isinstance(fd.field_def, DevFieldDefinition) or (fd.is_expanded and not compressed_ts):
                    continue
                value = fd.raw_value
                num = fd.def_num
                if fd.field_def is not None and fd.field_def.base_type is BASE_TYPE_BYTE:
                    value = None  # declared byte, or a size its type does not divide: bytes, not a number
                if isinstance(value, tuple):
                    value = value[0] if value else None
                if isinstance(value, bytes):
                    value = None
                if num == TIMESTAMP:
                    ts = as_timestamp(value)  # a sint8 or float32 "timestamp" is none
                    if ts is not None:
                        last_ts = ts
                if spec is not None and num in spec:
                    raw[num] = value
            if spec is None:
                continue
            if gmn == RECORD and TIMESTAMP not in raw:
                raw[TIMESTAMP] = last_ts
            rebuilt = c.add_message(gmn, raw, last_ts)
            if rebuilt is not None:
                last_ts = rebuilt
    except fitdecode.FitEOFError as err:
        if strict:
            raise CorruptFile("the file is cut short inside a message") from err
        c.stopped_at, c.stop_reason = err.offset, "the file is cut short inside a message"
    except fitdecode.FitError as err:
        if strict or not c.n_messages:
            raise CorruptFile(f"the FIT data is broken ({err})") from err
        c.stopped_at, c.stop_reason = getattr(err, "offset", len(data)), f"the FIT data is broken ({err})"
    finally:
        reader.close()
    return c


def _next_frame(frames: Iterator[object]) -> object | None:
    """The next frame, None at the end; fitdecode's internals failing on damaged data (a ValueError or
    TypeError from a field count or size that cannot be) count as its own FitError: the data is broken."""
    try:
        return next(frames)
    except StopIteration:
        return None
    except fitdecode.FitError:
        raise
    except Exception as err:
        raise fitdecode.FitError(f"{type(err).__name__}: {err}") from err

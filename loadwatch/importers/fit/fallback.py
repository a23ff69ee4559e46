"""The slow, general path: decode with fitdecode into the same `FitContent` the fast path fills.

Used for a file the fast path cannot handle (`FastPathUnsupported`), and by the tests as the
reference decoder. Raw field values go through the same conversion as the fast path.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator

import fitdecode
import numpy as np
from fitdecode.types import BASE_TYPE_BYTE, DevFieldDefinition

from ...errors import CorruptFile
from .decode import Layout, stream_columns
from .messages import (
    COMPRESSED_SPEED_DISTANCE,
    CSD_BYTES,
    FIELDS,
    RECORD,
    RECORD_STREAM,
    TIMESTAMP,
    FitContent,
    as_timestamp,
    is_power_field,
)

_STREAM_BY_NUM = {num: (name, scale, offset) for name, (num, scale, offset, _) in RECORD_STREAM.items()}


def decode(data: bytes, layout: Layout, *, strict: bool) -> FitContent:
    """Decode the FIT parts of `data` (as found by `fit_decode.split`) with fitdecode."""
    c = FitContent(decoder="fitdecode")
    columns: dict[str, list[float]] = {name: [] for name in (*RECORD_STREAM, *CSD_BYTES, "dev_power")}
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
            row: dict[str, float] = {}
            for fd in frame.fields:
                if gmn == RECORD:
                    _stream_value(fd, row)
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
            if gmn == RECORD:
                for name, values in columns.items():
                    values.append(row.get(name, math.nan))
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
    c.keep_stream(stream_columns({name: np.array(values, dtype=np.float64) for name, values in columns.items()}))
    return c


def _stream_value(fd: fitdecode.FitDataMessageField, row: dict[str, float]) -> None:
    """A record field of the stream (`messages.RECORD_STREAM`, or a developer field of power) into `row`,
    scaled as the fast path scales it; invalid, text, bytes or another type's value: left out."""
    value = fd.raw_value
    if fd.def_num == COMPRESSED_SPEED_DISTANCE and not fd.is_expanded and isinstance(value, tuple) \
            and len(value) == 3 and all(isinstance(b, int) for b in value):
        row.update(zip(CSD_BYTES, map(float, value), strict=True))  # unpacked with the fast path's rule
        return
    if isinstance(value, tuple | bool) or not isinstance(value, int | float):
        return
    if isinstance(fd.field_def, DevFieldDefinition):
        if "dev_power" not in row and is_power_field({"field_name": fd.name, "units": fd.units}):
            row["dev_power"] = float(value)
        return
    if fd.is_expanded or fd.field_def is None or fd.field_def.base_type is BASE_TYPE_BYTE:
        return
    spec = _STREAM_BY_NUM.get(fd.def_num)
    if spec is not None and value == value:
        name, scale, offset = spec
        row[name] = value / scale - offset


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

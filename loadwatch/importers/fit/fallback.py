"""The slow, general path: decode with fitdecode into the same `FitContent` the fast path fills.

Used for a file the fast path cannot handle (`FastPathUnsupported`), and by the tests as the
reference decoder. Raw field values go through the same conversion as the fast path.
"""

from __future__ import annotations

import io

import fitdecode
from fitdecode.types import DevFieldDefinition

from ...errors import CorruptFile
from .decode import Layout
from .messages import FIELDS, RECORD, TIMESTAMP, FitContent


def decode(data: bytes, layout: Layout, *, strict: bool) -> FitContent:
    """Decode the FIT parts of `data` (as found by `fit_decode.split`) with fitdecode."""
    c = FitContent(decoder="fitdecode")
    end = layout.parts[-1][2] + (0 if layout.truncated else 2)
    last_ts: int | None = None
    reader = fitdecode.FitReader(io.BytesIO(data[:end]), processor=None, check_crc=fitdecode.CrcCheck.DISABLED,
                                 error_handling=fitdecode.ErrorHandling.RAISE)
    try:
        for frame in reader:
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
                if isinstance(value, tuple):
                    value = value[0] if value else None
                if isinstance(value, bytes):
                    value = None
                if num == TIMESTAMP and isinstance(value, int):
                    last_ts = value
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
        c.stopped_at, c.stop_reason = len(data), "the file is cut short inside a message"
    except fitdecode.FitError as err:
        if strict or not c.n_messages:
            raise CorruptFile(f"the FIT data is broken ({err})") from err
        c.stopped_at, c.stop_reason = len(data), f"the FIT data is broken ({err})"
    finally:
        reader.close()
    return c

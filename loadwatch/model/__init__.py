"""The load model: pure functions of frames and a Profile in, named results out.

Nothing here reads the store, the files or the clock: `loadwatch.api` hands the frames in.
"""

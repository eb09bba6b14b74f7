"""The replay for slides: the per-day PNGs that frames.py draws, joined into one animated GIF
or WebP (Pillow), a fixed time per day, looping; or an MP4 video (H.264, with the ffmpeg that
the imageio-ffmpeg package carries: `pip install '.[video]'`). Each PNG already shows the
day's date and headline at its top (the exported page's header), so nothing is drawn over them.

Written atomically: a temporary file beside the target, renamed over it when whole. Two
identical days in a row (never the case with real frames, which differ by their date at least)
become one GIF frame shown for both days' time: Pillow's GIF writer joins them.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

FORMATS = ("gif", "webp", "mp4")
VIDEO_FPS = 10  # an MP4 shows each day as this many frames a second for its time
DEFAULT_FORMAT = "gif"
DEFAULT_SECONDS = 2.0
MAX_SECONDS = 600.0  # a day on screen for ten minutes at most
GIF_TICK_MS = 10  # a GIF counts time in hundredths of a second


class AnimationError(RuntimeError):
    """The animation cannot be made: no frames, a frame unreadable, or frames of two sizes."""


def seconds_per_day(text: str) -> float:
    """The time a day stays on screen: a finite number of seconds above 0 and at most
    MAX_SECONDS (ValueError otherwise)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_SECONDS):
        raise ValueError(f"{text!r} is not a time a day: give seconds above 0 and at most "
                         f"{MAX_SECONDS:g}")
    return value


def frame_ms(seconds: float, fmt: str) -> int:
    """A day's time in milliseconds as the format stores it (a GIF in tens of ms, a video in
    whole frames)."""
    ms = max(1, round(seconds * 1000))
    if fmt == "gif":
        ms = max(GIF_TICK_MS, round(ms / GIF_TICK_MS) * GIF_TICK_MS)
    elif fmt == "mp4":
        ms = video_repeats(seconds) * 1000 // VIDEO_FPS
    return ms


def video_repeats(seconds: float) -> int:
    """How many video frames show one day."""
    return max(1, round(seconds * VIDEO_FPS))


def _write_mp4(images: list, path: str, seconds: float) -> None:
    """H.264 in an MP4, each day repeated for its time; the size made even (the codec's
    4:2:0 colour needs it) by dropping a last row or column of pixels."""
    try:
        import imageio_ffmpeg
    except ImportError as exc:
        raise AnimationError("MP4 needs the imageio-ffmpeg package, which carries ffmpeg: "
                             "pip install '.[video]' (or choose --format gif or webp)") from exc
    width, height = images[0].size
    size = (width - width % 2, height - height % 2)
    writer = imageio_ffmpeg.write_frames(path, size, fps=VIDEO_FPS, codec="libx264",
                                         pix_fmt_out="yuv420p", macro_block_size=2,
                                         output_params=["-f", "mp4", "-movflags", "+faststart"])
    writer.send(None)
    try:
        for image in images:
            data = image.crop((0, 0, *size)).tobytes()
            for _ in range(video_repeats(seconds)):
                writer.send(data)
    finally:
        writer.close()


def animation_name(frames: Sequence[Path], fmt: str) -> str:
    """'replay-2022-01-02-2022-01-10.gif', from the first and last frames' days."""
    first, last = Path(frames[0]).stem, Path(frames[-1]).stem
    return f"replay-{first}.{fmt}" if first == last else f"replay-{first}-{last}.{fmt}"


def write_animation(frames: Sequence[Path], out: str | Path, fmt: str = DEFAULT_FORMAT,
                    seconds: float = DEFAULT_SECONDS) -> Path:
    """Write ``frames`` (PNG paths, one per day, in order) to ``out`` as an animation that
    shows each for ``seconds`` and loops; returns ``out``. Nothing is left at ``out`` but the
    whole file: on any failure a file that was there stays as it was."""
    from PIL import Image, UnidentifiedImageError

    if fmt not in FORMATS:
        raise AnimationError(f"unknown animation format {fmt!r}: choose one of "
                             f"{', '.join(FORMATS)}")
    if not frames:
        raise AnimationError("no frames to animate")
    out = Path(out)
    images = []
    try:
        for path in frames:
            try:
                image = Image.open(path)
                image.load()
            except (OSError, UnidentifiedImageError) as exc:
                raise AnimationError(f"{path}: not a readable image ({exc})") from exc
            images.append(image.convert("RGB"))
            image.close()
            if images[-1].size != images[0].size:
                raise AnimationError(f"{path}: {images[-1].size[0]}x{images[-1].size[1]}, "
                                     f"not {images[0].size[0]}x{images[0].size[1]} as the "
                                     "first frame")
        options: dict = {"save_all": True, "append_images": images[1:], "loop": 0,
                         "duration": frame_ms(seconds, fmt)}
        if fmt == "webp":
            options.update(quality=85, method=4)
        else:
            # Every frame whole, never merged with the one before even when they match.
            options.update(disposal=1, optimize=False)
        handle, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp",
                                       dir=out.parent)
        os.close(handle)
        try:
            if fmt == "mp4":
                _write_mp4(images, tmp, seconds)
            else:
                images[0].save(tmp, format=fmt.upper(), **options)
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    finally:
        for image in images:
            image.close()
    return out

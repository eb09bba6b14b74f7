"""The replay as one animation (dashboard/animate.py, `frames --animate`): a frame per day in
order, each shown for the time asked, looping; bad times and frames refused; the file written
whole or not at all. Frames are made here with Pillow, so no Chromium is needed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from dashboard import animate, frames
from dashboard.cli import main as cli

COLOURS = ["#b2182b", "#2166ac", "#1a9850", "#f39c12"]


def make_frames(folder: Path, count: int = 3, size=(320, 180)) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        day = date(2022, 1, 2) + timedelta(days=n)
        image = Image.new("RGB", size, COLOURS[n % len(COLOURS)])
        ImageDraw.Draw(image).text((10, 10), day.isoformat(), fill="#ffffff")
        path = folder / f"{day.isoformat()}.png"
        image.save(path)
        paths.append(path)
    return paths


def read(path: Path) -> tuple[list[int], list[bytes], Image.Image]:
    """Each frame's duration (ms) and pixels, and the image (closed)."""
    durations, pixels = [], []
    with Image.open(path) as image:
        for i in range(image.n_frames):
            image.seek(i)
            image.load()
            durations.append(image.info["duration"])
            pixels.append(image.convert("RGB").tobytes())
        info = dict(image.info), image.size, image.format
    return durations, pixels, info


@pytest.mark.parametrize("fmt, seconds, ms", [("gif", 2.0, 2000), ("gif", 0.333, 330),
                                              ("webp", 1.5, 1500), ("webp", 0.25, 250)])
def test_one_frame_per_day_each_for_its_time(tmp_path, fmt, seconds, ms):
    paths = make_frames(tmp_path / "frames", 4)
    out = animate.write_animation(paths, tmp_path / f"replay.{fmt}", fmt, seconds)
    durations, pixels, (info, size, kind) = read(out)
    assert kind == fmt.upper() and size == (320, 180)
    assert durations == [ms] * 4
    assert info.get("loop") == 0  # loops for ever
    assert len(set(pixels)) == 4  # every day its own frame
    # In order: each frame is its day's colour.
    for n, frame in enumerate(pixels):
        rgb = tuple(int(COLOURS[n][i:i + 2], 16) for i in (1, 3, 5))
        corner = tuple(frame[-3:])
        assert all(abs(a - b) <= 12 for a, b in zip(corner, rgb, strict=True))


@pytest.mark.parametrize("fmt", ["gif", "webp"])
def test_two_days_that_look_alike_still_take_their_time(tmp_path, fmt):
    """Real frames differ by their date at least; two identical ones (Pillow's GIF writer
    joins them into one frame) still stay on screen for both days' time."""
    paths = make_frames(tmp_path / "frames", 2)
    twin = tmp_path / "frames" / "2022-01-04.png"
    twin.write_bytes(paths[1].read_bytes())
    out = animate.write_animation([*paths, twin], tmp_path / f"r.{fmt}", fmt, 1)
    durations, pixels, _ = read(out)
    assert sum(durations) == 3000 and durations[0] == 1000
    assert len(set(pixels)) == 2


@pytest.mark.parametrize("text", ["0", "-1", "nan", "inf", "soon", "601"])
def test_a_time_a_day_must_be_seconds_above_zero(text):
    with pytest.raises(ValueError, match="not a time a day"):
        animate.seconds_per_day(text)
    assert animate.seconds_per_day("0.5") == 0.5


def test_a_bad_frame_leaves_the_old_file_as_it_was(tmp_path):
    paths = make_frames(tmp_path / "frames", 2)
    out = tmp_path / "replay.gif"
    out.write_bytes(b"the previous animation")
    broken = tmp_path / "frames" / "2022-01-04.png"
    broken.write_bytes(b"not a png")
    with pytest.raises(animate.AnimationError, match="2022-01-04.png: not a readable image"):
        animate.write_animation([*paths, broken], out)
    other = make_frames(tmp_path / "big", 1, size=(640, 360))
    with pytest.raises(animate.AnimationError, match="640x360, not 320x180"):
        animate.write_animation([*paths, *other], out)
    with pytest.raises(animate.AnimationError, match="no frames"):
        animate.write_animation([], out)
    with pytest.raises(animate.AnimationError, match="unknown animation format"):
        animate.write_animation(paths, out, "avi")
    assert out.read_bytes() == b"the previous animation"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big", "frames", "replay.gif"]


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    paths = make_frames(tmp_path / "frames", 2)
    out = tmp_path / "replay.webp"

    def full_disk(self, fp, *args, **kwargs):
        Path(fp).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", full_disk)
    with pytest.raises(OSError):
        animate.write_animation(paths, out, "webp")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frames"]


def fake_render(tmp_path):
    def render(data, out, days=None):
        return make_frames(Path(out), 3)
    return render


def test_cli_frames_animate_writes_the_pngs_and_the_animation(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(frames, "render_frames", fake_render(tmp_path))
    out = tmp_path / "slides"
    assert cli(["frames", "--out", str(out), "--animate", "--format", "webp",
                "--seconds-per-day", "1.5"]) == 0
    printed = capsys.readouterr().out.split()
    target = out / "replay-2022-01-02-2022-01-04.webp"
    assert printed == [str(out / f"2022-01-0{d}.png") for d in (2, 3, 4)] + [str(target)]
    durations, pixels, _ = read(target)
    assert durations == [1500] * 3 and len(set(pixels)) == 3
    # The default: a GIF, two seconds a day.
    assert cli(["frames", "--out", str(out), "--animate"]) == 0
    durations, _, (_, _, kind) = read(out / "replay-2022-01-02-2022-01-04.gif")
    assert kind == "GIF" and durations == [2000] * 3
    # Without --animate, the PNGs alone.
    assert cli(["frames", "--out", str(tmp_path / "pngs")]) == 0
    assert sorted(p.suffix for p in (tmp_path / "pngs").iterdir()) == [".png"] * 3


@pytest.mark.parametrize("argv, message", [
    (["--animate", "--seconds-per-day", "0"], "not a time a day"),
    (["--animate", "--format", "avi"], "invalid choice"),
    (["--format", "webp"], "go with --animate"),
    (["--seconds-per-day", "3"], "go with --animate"),
])
def test_cli_frames_animate_refuses_bad_options(argv, message, tmp_path, monkeypatch,
                                                capsys):
    monkeypatch.setattr(frames, "render_frames", fake_render(tmp_path))
    assert cli(["frames", "--out", str(tmp_path / "out"), *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cli_frames_animate_reports_a_frame_it_cannot_read(tmp_path, monkeypatch, capsys):
    def render(data, out, days=None):
        paths = make_frames(Path(out), 2)
        paths[1].write_bytes(b"")
        return paths

    monkeypatch.setattr(frames, "render_frames", render)
    assert cli(["frames", "--out", str(tmp_path / "out"), "--animate"]) == 1
    assert "not a readable image" in capsys.readouterr().err
    assert not any(p.suffix == ".gif" for p in (tmp_path / "out").iterdir())


@pytest.mark.parametrize("seconds", [0.5, 2.0])
def test_an_mp4_shows_each_day_in_order_for_its_time(tmp_path, seconds):
    """H.264 from the ffmpeg imageio-ffmpeg carries: each day repeated for its time at
    VIDEO_FPS frames a second, in order; an odd size loses its last row or column."""
    import imageio_ffmpeg

    paths = make_frames(tmp_path / "frames", 3, size=(321, 181))
    out = animate.write_animation(paths, tmp_path / "replay.mp4", "mp4", seconds)
    count, secs = imageio_ffmpeg.count_frames_and_secs(str(out))
    per_day = animate.video_repeats(seconds)
    assert count == 3 * per_day
    assert secs == pytest.approx(3 * per_day / animate.VIDEO_FPS, abs=0.15)
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    assert tuple(meta["size"]) == (320, 180)
    frames_seen = [bytes(frame) for frame in reader]
    assert len(frames_seen) == count
    for day in range(3):  # the middle frame of each day has that day's colour
        frame = frames_seen[day * per_day + per_day // 2]
        rgb = tuple(int(COLOURS[day][i:i + 2], 16) for i in (1, 3, 5))
        corner = tuple(frame[-3:])
        assert all(abs(a - b) <= 24 for a, b in zip(corner, rgb, strict=True)), day
    assert not list(tmp_path.glob(".replay.mp4.*"))


def test_without_imageio_ffmpeg_an_mp4_is_refused_saying_how(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_ffmpeg(name, *args, **kwargs):
        if name == "imageio_ffmpeg":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ffmpeg)
    paths = make_frames(tmp_path / "frames", 2)
    with pytest.raises(animate.AnimationError, match=r"pip install '\.\[video\]'"):
        animate.write_animation(paths, tmp_path / "replay.mp4", "mp4")
    assert not (tmp_path / "replay.mp4").exists()
    assert not list(tmp_path.glob(".replay.mp4.*"))

"""Playable sample audio for voicemails and recordings, made with the stdlib ``wave`` module.

8 kHz mono 16-bit PCM WAV. A short DTMF-like tone sequence, then a "voice-like" signal: syllables
of a harmonic tone with a gliding pitch, formant-ish harmonic weights and a smooth amplitude
envelope, grouped into words with pauses. Deterministic for (kind, id, duration); the duration
is the record's, capped at :data:`MAX_SECONDS`. Generation only computes a handful of syllables
and then sequences them, so a 60 s file takes a few tens of milliseconds; results are cached.
"""

from __future__ import annotations

import io
import math
import random
import sys
import wave
from array import array
from functools import lru_cache
from typing import Final

SAMPLE_RATE: Final = 8000
MAX_SECONDS: Final = 60
_DTMF: Final = {
    "1": (697, 1209),
    "2": (697, 1336),
    "3": (697, 1477),
    "4": (770, 1209),
    "5": (770, 1336),
    "6": (770, 1477),
    "7": (852, 1209),
    "8": (852, 1336),
    "9": (852, 1477),
    "0": (941, 1336),
    "*": (941, 1209),
    "#": (941, 1477),
}
_FORMANT_WEIGHTS: Final = (
    (1.0, 0.55, 0.35, 0.5, 0.2, 0.1),  # "a"-like
    (1.0, 0.8, 0.15, 0.08, 0.2, 0.15),  # "o"-like
    (1.0, 0.25, 0.1, 0.3, 0.45, 0.25),  # "i"-like
    (1.0, 0.6, 0.5, 0.2, 0.1, 0.05),  # "e"-like
)


def _dtmf(digit: str, seconds: float, sr: int) -> list[float]:
    lo, hi = _DTMF[digit]
    n = int(seconds * sr)
    ramp = max(1, int(0.005 * sr))
    out = []
    for i in range(n):
        env = min(1.0, i / ramp, (n - 1 - i) / ramp)
        t = i / sr
        out.append(0.35 * env * (math.sin(2 * math.pi * lo * t) + math.sin(2 * math.pi * hi * t)))
    return out


def _syllable(rng: random.Random, sr: int) -> list[float]:
    seconds = rng.uniform(0.12, 0.32)
    n = int(seconds * sr)
    f0 = rng.uniform(105.0, 210.0)
    glide = rng.uniform(-0.18, 0.18)
    weights = _FORMANT_WEIGHTS[rng.randrange(len(_FORMANT_WEIGHTS))]
    norm = sum(weights)
    phase = 0.0
    out = []
    for i in range(n):
        x = i / n
        freq = f0 * (1.0 + glide * x) * (1.0 + 0.012 * math.sin(2 * math.pi * 5.5 * i / sr))
        phase += 2 * math.pi * freq / sr
        sample = 0.0
        for h, w in enumerate(weights, start=1):
            sample += w * math.sin(h * phase)
        env = math.sin(math.pi * x) ** 1.5
        out.append(0.8 * env * sample / norm)
    return out


def _render(seed: str, seconds: int, sr: int) -> array[int]:
    rng = random.Random(seed)
    total = max(1, seconds) * sr
    samples: list[float] = []
    digits = "".join(rng.choice("0123456789*#") for _ in range(rng.randrange(3, 6)))
    gap = [0.0] * int(0.06 * sr)
    for d in digits:
        samples += _dtmf(d, 0.09, sr)
        samples += gap
    samples += [0.0] * int(0.25 * sr)
    bank = [_syllable(rng, sr) for _ in range(8)]
    loudness = 1.0
    while len(samples) < total:
        for _ in range(rng.randrange(1, 4)):  # a word: 1-3 syllables
            syl = bank[rng.randrange(len(bank))]
            level = loudness * rng.uniform(0.6, 1.0)
            samples += [level * s for s in syl]
        samples += [0.0] * int(rng.uniform(0.05, 0.12 if rng.random() < 0.8 else 0.45) * sr)
        loudness = min(1.0, max(0.5, loudness + rng.uniform(-0.1, 0.1)))
    del samples[total:]
    # a quiet noise floor so silence is not digital zero, like a real line
    noise = [rng.randint(-40, 40) for _ in range(1021)]
    pcm = array(
        "h",
        (
            int((1.0 if s > 1.0 else -1.0 if s < -1.0 else s) * 22000) + noise[i % 1021]
            for i, s in enumerate(samples)
        ),
    )
    if sys.byteorder == "big":  # pragma: no cover
        pcm.byteswap()
    return pcm


@lru_cache(maxsize=32)
def wav_bytes(kind: str, media_id: int, duration_s: int, sample_rate: int = SAMPLE_RATE) -> bytes:
    """A complete WAV file for the voicemail / recording ``media_id`` (cached)."""
    seconds = max(1, min(MAX_SECONDS, int(duration_s)))
    pcm = _render(f"{kind}:{media_id}", seconds, sample_rate)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm.tobytes())
    return buf.getvalue()

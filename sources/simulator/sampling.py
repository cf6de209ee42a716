"""Vectorised sampling and formatting helpers shared by the system generators."""

from __future__ import annotations

from datetime import date

import numpy as np

DAY_START = 8 * 3600 + 30 * 60
DAY_END = 17 * 3600 + 30 * 60


def top_k(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """``k`` distinct indices drawn with probability proportional to ``weights``.

    Gumbel top-k: one vectorised pass, no Python loop, stable order (best key first).
    """
    k = min(k, len(weights))
    keys = np.log(weights) + rng.gumbel(size=len(weights))
    chosen = np.argpartition(-keys, k - 1)[:k] if k < len(weights) else np.arange(len(weights))
    return chosen[np.argsort(-keys[chosen], kind="stable")]


def ranked(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """Per row of a (n, m) weight matrix, the m columns in a weighted random order."""
    with np.errstate(divide="ignore"):
        keys = np.log(weights) + rng.gumbel(size=weights.shape)
    return np.argsort(-keys, axis=1, kind="stable")


def categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of a (n, m) matrix of (unnormalised) probabilities."""
    cumulative = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cumulative[:, -1]
    return np.minimum((u[:, None] >= cumulative).sum(axis=1), probs.shape[1] - 1)


def stochastic_round(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """Round to an integer up or down so that the mean is preserved."""
    floor = np.floor(values)
    return (floor + (rng.random(len(values)) < values - floor)).astype(np.int64)


def office_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight within office hours, when records get saved."""
    return rng.integers(DAY_START, DAY_END, n)


def to_day(value: date) -> np.datetime64:
    return np.datetime64(value.isoformat(), "D")


def date_strings(days: np.ndarray) -> list[str]:
    """datetime64[D] to 'YYYY-MM-DD'."""
    return np.datetime_as_string(days.astype("datetime64[D]"), unit="D").tolist()


def timestamp_strings(days: np.ndarray, seconds: np.ndarray) -> list[str]:
    """A day plus seconds to 'YYYY-MM-DD HH:MM:SS'."""
    stamps = days.astype("datetime64[D]").astype("datetime64[s]") + seconds.astype(
        "timedelta64[s]")
    return [s.replace("T", " ") for s in np.datetime_as_string(stamps, unit="s").tolist()]


def nullable(values: list, present: np.ndarray) -> list:
    """Replace the values where ``present`` is False by None (an empty export field)."""
    return [v if p else None for v, p in zip(values, present.tolist(), strict=True)]

"""Oracles of the approval, operation, credit categories (see tests/oracles/__init__.py)."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

ORACLES: dict[str, tuple[str, str, Callable[[], pl.Expr]]] = {}

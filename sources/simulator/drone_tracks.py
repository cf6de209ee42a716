"""Drone telemetry: sortie routes, one track point per second, and a fast CSV writer for them.

Track points are the largest table of the scenario (about 20 million rows at full scale), so
nothing here loops over points in Python: a month's points are numpy columns, each day's
points are one polars frame, and a day's file is written by ``polars.DataFrame.write_csv``.
Only the few lines chosen to be defective go through the row-by-row defect machinery of
``defects`` and ``writers.render``, and are spliced into the polars output by line number.

Geometry is planar in km around a fixed origin (the equirectangular approximation is off by
a few metres over a county, far below a GPS fix's noise).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

ORIGIN_LAT, ORIGIN_LON = 29.0, 118.8
KM_PER_DEG_LAT = 111.2
KM_PER_DEG_LON = 111.32 * float(np.cos(np.radians(ORIGIN_LAT)))
TRACK_INTERVAL_S = 1  # the platform stores the aircraft's position once per second
CLIMB_S = 45  # seconds to reach cruise height after take-off, and to land
GPS_NOISE_KM = 0.0015
MAX_SPEED_MPS = 29.5
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
EPOCH = np.datetime64("1970-01-01T00:00:00", "s")


def to_latlon(x_km: np.ndarray, y_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return ORIGIN_LAT + y_km / KM_PER_DEG_LAT, ORIGIN_LON + x_km / KM_PER_DEG_LON


def to_km(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (lon - ORIGIN_LON) * KM_PER_DEG_LON, (lat - ORIGIN_LAT) * KM_PER_DEG_LAT


@dataclass(frozen=True)
class Routes:
    """Per sortie: where it starts and how it flies. Times are epoch seconds (UTC-naive)."""

    x0: np.ndarray  # dock position, km
    y0: np.ndarray
    radius: np.ndarray  # farthest point from the dock, km
    petals: np.ndarray  # out-and-back legs flown around the dock
    phase: np.ndarray  # bearing of the first leg, radians
    turn: np.ndarray  # +1 or -1: sense in which the legs rotate
    cruise_m: np.ndarray  # cruise height above the dock
    takeoff: np.ndarray  # int64 epoch seconds
    duration: np.ndarray  # int64 seconds from take-off to landing

    def __len__(self) -> int:
        return len(self.x0)


def draw_routes(rng: np.random.Generator, x0: np.ndarray, y0: np.ndarray,
                patrol_radius: np.ndarray, takeoff: np.ndarray, duration: np.ndarray) -> Routes:
    """A petal pattern inside the dock's patrol disc, sized for a plausible cruise speed.

    The legs never leave the disc (radius < patrol radius), which is what keeps docks'
    patrol areas, and the findings made in them, apart.
    """
    n = len(x0)
    radius = patrol_radius * rng.uniform(0.7, 0.95, n)
    speed_kmps = rng.uniform(0.008, 0.011, n)
    petals = np.clip(np.rint(speed_kmps * duration / (2.6 * radius)), 1, 6).astype(np.int64)
    return Routes(
        x0=x0, y0=y0, radius=radius, petals=petals,
        phase=rng.uniform(0, 2 * np.pi, n), turn=np.where(rng.random(n) < 0.5, 1.0, -1.0),
        cruise_m=rng.uniform(90, 140, n), takeoff=takeoff.astype(np.int64),
        duration=duration.astype(np.int64),
    )


def route_xy(routes: Routes, flight: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Noiseless position (km) of sortie ``flight`` ``t`` seconds after take-off."""
    u = t / routes.duration[flight]
    rho = routes.radius[flight] * np.abs(np.sin(np.pi * routes.petals[flight] * u))
    phi = routes.phase[flight] + routes.turn[flight] * 2 * np.pi * u
    return routes.x0[flight] + rho * np.cos(phi), routes.y0[flight] + rho * np.sin(phi)


@dataclass(frozen=True)
class Tracks:
    """All points of a set of sorties, sorted by sortie then time."""

    flight: np.ndarray  # sortie index per point
    seq: np.ndarray  # 1-based
    recorded: np.ndarray  # datetime64[ms]
    lat: np.ndarray
    lon: np.ndarray
    altitude: np.ndarray
    speed: np.ndarray
    starts: np.ndarray  # first point of each sortie
    distance_km: np.ndarray  # per sortie: the length of its exported track


def point_counts(duration: np.ndarray) -> np.ndarray:
    return duration // TRACK_INTERVAL_S + 1


def build_tracks(rng: np.random.Generator, routes: Routes) -> Tracks:
    """One point per second of every sortie, vectorised over the whole set."""
    counts = point_counts(routes.duration)
    starts = (np.cumsum(counts) - counts).astype(np.int64)
    flight = np.repeat(np.arange(len(routes)), counts)
    seq = np.arange(len(flight), dtype=np.int64) - starts[flight] + 1
    t = (seq - 1) * TRACK_INTERVAL_S
    x, y = route_xy(routes, flight, t)
    x = x + rng.normal(0.0, GPS_NOISE_KM, len(x))
    y = y + rng.normal(0.0, GPS_NOISE_KM, len(y))
    step = np.hypot(np.diff(x, prepend=x[:1]), np.diff(y, prepend=y[:1]))
    step[starts] = 0.0  # the first fix of a sortie has no predecessor
    remaining = routes.duration[flight] - t
    ramp = np.clip(np.minimum(t, remaining) / CLIMB_S, 0.0, 1.0)
    altitude = np.maximum(routes.cruise_m[flight] * ramp + rng.normal(0, 0.6, len(t)), 0.0)
    lat, lon = to_latlon(x, y)
    seconds = routes.takeoff[flight] + t
    return Tracks(
        flight=flight, seq=seq,
        recorded=(EPOCH + seconds.astype("timedelta64[s]")).astype("datetime64[ms]"),
        lat=np.round(lat, 6), lon=np.round(lon, 6), altitude=np.round(altitude, 1),
        speed=np.round(np.minimum(step * 1000 / TRACK_INTERVAL_S, MAX_SPEED_MPS), 1),
        starts=starts,
        distance_km=np.round(np.add.reduceat(step, starts) if len(starts) else np.zeros(0), 2),
    )


def day_frames(tracks: Tracks, flight_ids: list[str], flight_day: np.ndarray,
               days: tuple[date, ...], first_day: date) -> dict[date, pl.DataFrame]:
    """The points of each day (sorties never cross midnight), typed, in contract order.

    ``flight_day`` is each sortie's day as an offset from ``first_day``; sorties are sorted
    by take-off, so a day's points are one contiguous slice. Every day of ``days`` gets a
    frame, empty when nothing flew.
    """
    frame = pl.DataFrame({
        "flight_id": pl.Series(flight_ids, dtype=pl.String).gather(tracks.flight),
        "seq": tracks.seq,
        "recorded_at": tracks.recorded,
        "lat": tracks.lat,
        "lon": tracks.lon,
        "altitude_m": tracks.altitude,
        "speed_mps": tracks.speed,
    })
    point_day = flight_day[tracks.flight] if len(tracks.flight) else np.zeros(0, np.int64)
    result: dict[date, pl.DataFrame] = {}
    for day in days:
        offset = (day - first_day).days
        lo, hi = np.searchsorted(point_day, [offset, offset + 1])
        result[day] = frame.slice(int(lo), int(hi - lo))
    return result

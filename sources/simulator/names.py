"""Word lists and code builders for the simulated city's people and businesses.

Names, ID numbers, phones and unified social credit codes are built from integer draws with
numpy, so that a whole population can be made at once and every string is a pure function
of the seed. All characters used are encodable in GBK, since some exports are written in it.
"""

from __future__ import annotations

import numpy as np

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙朱胡郭何林郑毛汪叶余祝姜柴傅邵方程鲁江占童蔡项应严华"
    "钱郎洪詹舒雷邱姚蒋施唐许韩冯曹彭曾谢"
)
# Quzhou favourites (徐, 毛, 郑, 汪, 叶, 余, 祝, 姜, 柴) are listed early and weighted up.
SURNAME_WEIGHTS = np.array(
    [8, 7, 7, 6, 6, 5, 4, 4, 5, 5, 8, 3, 4, 3, 2, 3, 3, 6, 6, 5, 5, 5, 4, 4, 3, 3, 3, 3, 3, 2,
     2, 2, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
    dtype=float,
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉玲红斌波鹏宇浩婷琳俊峰晨欣怡"
    "佳雪海林志宏春燕梅金荣德福成飞龙云亮健新玉兰凤萍瑞嘉梓轩子涵晓思振永忠卫东方"
)
# Shop names (字号) are two of these.
TRADE_CHARS = (
    "鑫盛恒达华兴隆泰昌源丰瑞祥顺福嘉宏宇新联金永安康佳美润益博远诚信和强鼎凯旺发通惠"
    "汇正东方天海江山明光荣利富贵众德辉腾创亿豪晶越鸿锦森晟禾悦"
)
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
)
# GB 32100-2015: the 31 characters of a unified social credit code and its check weights.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
# GB 11643-1999: weights of the 17 digits of a resident ID number.
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])


def person_names(surname: np.ndarray, given1: np.ndarray, given2: np.ndarray) -> list[str]:
    """Compose names from index arrays; a negative ``given2`` means a one-character name."""
    return [
        SURNAMES[s] + GIVEN_CHARS[g] + (GIVEN_CHARS[h] if h >= 0 else "")
        for s, g, h in zip(surname.tolist(), given1.tolist(), given2.tolist(), strict=True)
    ]


def draw_person_parts(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    """Surname and given-name indices for ``n`` people (30% have one-character given names)."""
    surname = rng.choice(len(SURNAMES), size=n, p=SURNAME_WEIGHTS / SURNAME_WEIGHTS.sum())
    given1 = rng.integers(0, len(GIVEN_CHARS), size=n)
    given2 = np.where(rng.random(n) < 0.7, rng.integers(0, len(GIVEN_CHARS), size=n), -1)
    return surname, given1, given2


def id_numbers(county_suffix: np.ndarray, birth: np.ndarray, serial: np.ndarray) -> list[str]:
    """18-digit resident ID numbers of Quzhou (3308xx) with a valid GB 11643 checksum.

    ``birth`` is datetime64[D]; ``serial`` 0..999. A serial whose check character would be
    'X' is nudged to the next one, so every number is all digits (downstream masks expect it).
    """
    births = np.datetime_as_string(birth.astype("datetime64[D]"))
    body = np.array(
        [f"3308{c:02d}{b.replace('-', '')}" for c, b in zip(county_suffix.tolist(), births,
                                                           strict=True)]
    )
    serial = serial.copy()
    for _ in range(2):  # one nudge always suffices: it moves the sum by 2 (mod 11)
        digits = _digits(np.char.add(body, np.char.zfill(serial.astype(str), 3)), 17)
        check = (12 - (digits @ ID_WEIGHTS) % 11) % 11
        serial = np.where(check == 10, (serial + 1) % 1000, serial)
    return [f"{b}{s:03d}{c}" for b, s, c in zip(body.tolist(), serial.tolist(), check.tolist(),
                                                 strict=True)]


def _digits(codes: np.ndarray, width: int) -> np.ndarray:
    """An (n, width) int matrix of the ASCII digits of fixed-width strings."""
    raw = np.frombuffer(codes.astype(f"S{width}").tobytes(), dtype=np.uint8)
    return raw.reshape(-1, width).astype(np.int64) - ord("0")


def phones(prefix: np.ndarray, suffix: np.ndarray) -> list[str]:
    """11-digit mobile numbers from a prefix index and an 8-digit suffix."""
    return [f"{MOBILE_PREFIXES[p]}{s:08d}" for p, s in zip(prefix.tolist(), suffix.tolist(),
                                                           strict=True)]


def uscc_codes(kind: np.ndarray, county: list[str], org: np.ndarray, modern: np.ndarray
               ) -> np.ndarray:
    """Unified social credit codes: 9 + kind (1 company, 2 sole trader) + county + org + check.

    Modern registrations carry an organisation code 'MA2' + 6 base-31 characters; older
    ones a 9-digit legacy number. ``org`` must be unique per entity; the code is then too.
    """
    alphabet = np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)
    n = len(kind)
    chars = np.zeros((n, 18), dtype=np.uint8)
    chars[:, 0] = ord("9")
    chars[:, 1] = ord("0") + kind
    chars[:, 2:8] = np.frombuffer("".join(county).encode(), dtype=np.uint8).reshape(n, 6)
    legacy = org % 10**9
    for position in range(9):  # legacy: nine decimal digits, most significant first
        chars[:, 8 + position] = ord("0") + (legacy // 10 ** (8 - position)) % 10
    modern_rows = np.flatnonzero(modern)
    chars[modern_rows, 8:11] = np.frombuffer(b"MA2", dtype=np.uint8)
    base31 = org[modern_rows] % 31**6
    for position in range(6):
        chars[modern_rows, 11 + position] = alphabet[(base31 // 31 ** (5 - position)) % 31]
    lookup = np.full(256, -1, dtype=np.int64)
    lookup[alphabet] = np.arange(31)
    values = lookup[chars[:, :17]]
    check = (31 - (values @ USCC_WEIGHTS) % 31) % 31
    chars[:, 17] = alphabet[check]
    return np.frombuffer(chars.tobytes(), dtype="S18").astype("U18")


def trade_names(first: np.ndarray, second: np.ndarray) -> list[str]:
    return [TRADE_CHARS[a] + TRADE_CHARS[b] for a, b in zip(first.tolist(), second.tolist(),
                                                            strict=True)]

"""constructs: every Python 3 construct the operators must handle (compile-check corpus)."""

import asyncio
import functools
import re
from dataclasses import dataclass, field
from typing import Callable, Optional


@dataclass(frozen=True)
class Point:
    x: int | float = 0
    y: "int | None" = None
    tags: list[str] = field(default_factory=list)

    @property
    def norm(self) -> float:
        return (self.x ** 2 + (self.y or 0) ** 2) ** 0.5

    @staticmethod
    @functools.lru_cache(maxsize=128)
    def origin_distance(x: int, /, y: int = 0, *, scale: float = 1.0) -> float:
        return scale * (x * x + y * y) ** .5


def keyword_only(a, *, b=2, **kw) -> dict[str, int] | None:
    merged = {**kw, "a": a, "b": b}
    first, *rest = [a, b, *kw.values()]
    return merged if first > -1 and not rest else None


def numbers():
    values = [0, 1_000, 0x1F, 0o17, 0b1010, 1.5, 1e3, .25, 3j, 2.5e-3j, 10**-2]
    return sum(v.real for v in values if v != 0) // 1 % 7 << 1 >> 1 | 4 & 6 ^ 3


def comparisons(a, b, c=None):
    if a < b <= c if c is not None else a == b:
        return a is not b
    elif a in (b, c) or a not in [b]:
        return a != b > 0
    while a >= 3 and not b:
        a -= 1
    assert a is None or a == a, f"{a!r:>10} and {b + 1} {{literal + text}}"
    return -a if a else +b if b else ~c


def walrus_and_comprehensions(data):
    if (n := len(data)) > 10:
        return {k: v * 2 for k, v in data.items() if v % 2 == 0}
    squares = [x ** 2 for x in range(n) if x > 1]
    return set(y - 1 for y in squares), (lambda z=3: z + n)()


def loops(items):
    total = 0
    for i, item in enumerate(items):
        if item is None:
            continue
        if i > 5:
            break
        total += item
    else:
        total -= 1
    return total


def matching(command):
    match command.split():
        case ["go", direction] if direction != "up":
            return 1
        case ["stop" | "halt"]:
            return 0
        case [*_] if len(command) > 100:
            return -1
        case {"x": 1, "y": -2}:
            return 2.5
        case _:
            return None


def errors(text):
    try:
        return int(text) / 2
    except (ValueError, ZeroDivisionError) as exc:
        raise RuntimeError("bad") from exc
    except re.error:
        return 0
    finally:
        text = text + \
            "continued"


def error_groups(run):
    caught = 0
    try:
        run()
    except* (OSError, KeyError) as group:
        caught = len(group.exceptions) + 1
    return caught


async def fetch(queue: asyncio.Queue, limit: Optional[int] = None) -> list:
    out = []
    async for item in queue:
        async with item as value:
            out.append(await value * 2)
    return out if limit is None else out[:limit]


def tabs():
	return 1 + 2  # indented with a tab


def text():
    s = "a + b == c and d"  # comment: x - y
    b = b"bytes + 1"
    r = r"\d+ - \w"
    t = """triple
    quoted + text"""
    f = f"{s:>{len(s) + 2}} {b!r} {'nested' + r}"
    return s + t + f, Callable

"""Shortest simple paths between two entities, from the shortest up (Yen's algorithm over
bidirectional breadth-first searches), within a time budget.

Written here rather than taken from networkx (`shortest_simple_paths`, the same algorithm):
networkx needs its own graph object in memory, and the point of the shared projection file
is that no worker holds one. The search reads neighbours through a function (SQLite
lookups), remembering them for the one request.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


class _OutOfTime(Exception):
    pass


def _shortest(adjacent: Callable[[N], Iterable[N]], a: N, b: N, banned: set[N],
              cut: set[tuple[N, N]], deadline: float) -> list[N] | None:
    """A shortest path from a to b avoiding `banned` nodes and `cut` edges (both ways)."""
    if a == b:
        return [a]
    pred: dict[N, N | None] = {a: None}
    succ: dict[N, N | None] = {b: None}
    ahead, behind = [a], [b]
    while ahead and behind:
        if time.perf_counter() > deadline:
            raise _OutOfTime
        forward = len(ahead) <= len(behind)
        front, mine, theirs = (ahead, pred, succ) if forward else (behind, succ, pred)
        grown: list[N] = []
        for u in front:
            for v in adjacent(u):
                if v in banned or (u, v) in cut or v in mine:
                    continue
                mine[v] = u
                if v in theirs:
                    return _join(pred, succ, v)
                grown.append(v)
        if forward:
            ahead = grown
        else:
            behind = grown
    return None


def _join(pred: dict, succ: dict, meet: N) -> list[N]:
    path: list[N] = []
    node = meet
    while node is not None:
        path.append(node)
        node = pred[node]
    path.reverse()
    node = succ[meet]
    while node is not None:
        path.append(node)
        node = succ[node]
    return path


def shortest_paths(adjacent: Callable[[N], Iterable[N]], a: N, b: N, *, limit: int,
                   max_extra_hops: int, budget_s: float) -> list[list[N]]:
    """Up to `limit` simple paths from a to b, shortest first, none more than
    `max_extra_hops` longer than the shortest; what was found when the budget ran out."""
    deadline = time.perf_counter() + budget_s
    seen: dict[N, list[N]] = {}

    def near(node: N) -> list[N]:
        found = seen.get(node)
        if found is None:
            found = seen[node] = list(adjacent(node))
        return found

    try:
        first = _shortest(near, a, b, set(), set(), deadline)
    except _OutOfTime:
        return []
    if first is None:
        return []
    paths = [first]
    known = {tuple(first)}
    queue: list[tuple[int, int, list[N]]] = []
    counter = 0
    try:
        while len(paths) < limit:
            last = paths[-1]
            for i in range(len(last) - 1):
                root = last[:i + 1]
                cut: set[tuple[N, N]] = set()
                for p in paths:
                    if len(p) > i + 1 and p[:i + 1] == root:
                        cut.update(((p[i], p[i + 1]), (p[i + 1], p[i])))
                spur = _shortest(near, last[i], b, set(root[:-1]), cut, deadline)
                if spur is not None:
                    path = root[:-1] + spur
                    if tuple(path) not in known:
                        known.add(tuple(path))
                        counter += 1
                        heapq.heappush(queue, (len(path), counter, path))
            if not queue:
                break
            _, _, best = heapq.heappop(queue)
            if len(best) > len(first) + max_extra_hops:
                break
            paths.append(best)
    except _OutOfTime:
        pass
    return paths

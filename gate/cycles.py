"""Circular dependencies between the resources of a transformed template (rule E9000).

CloudFormation refuses a template whose resources depend on each other in a circle, and the
circle is often invisible in the SAM template: a `Globals` environment variable that references
the API is copied into every function, while the API's generated body references each function's
alias, which references the function. So the walk runs on the transformed CloudFormation.

An edge A -> B exists when A's `DependsOn` names B, or its properties (or metadata, update and
creation policies) mention B through `Ref`, `Fn::GetAtt` or an `Fn::Sub` placeholder (`${B}`,
`${B.Attr}`), in either branch of an `Fn::If`.

Which cycles are reported: one circle of generated resources usually has many variants (through
a function's alias, or through its alias and version), so cycles are counted at the level of
what the author wrote. Every generated resource is folded into the authored resource whose
logical id prefixes it (SAM names `JigaAgentsFunctionRole`, `...Version<hash>`, `...Aliaslive`
after `JigaAgentsFunction`), each elementary cycle between authored resources is reported once,
and it is printed as the shortest concrete path through the transformed resources, with the
property that makes each hop (where the fix goes).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

import networkx as nx

from gate.intrinsics import dotted, references

# Enough to show what is wrong; a template with more has one mistake repeated, not many mistakes.
MAX_CYCLES = 50
_FUNCTION_TYPES = {"AWS::Lambda::Function", "AWS::Serverless::Function"}


@dataclass(frozen=True)
class Cycle:
    anchor: str  # the logical id the finding is reported on
    resources: tuple[str, ...]  # anchor first; the last depends on the anchor again
    hops: tuple[str, ...]  # "A -> B: <property path>" for every edge of the cycle


def dependency_graph(template: dict[str, Any]) -> nx.DiGraph:
    """Resources as nodes, one edge per resource-to-resource dependency, labelled with its first path."""
    resources = template.get("Resources") or {}
    graph = nx.DiGraph()
    graph.add_nodes_from(resources)
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict):
            continue
        depends_on = resource.get("DependsOn") or []
        for target in [depends_on] if isinstance(depends_on, str) else depends_on:
            if target in resources and not graph.has_edge(logical_id, target):
                graph.add_edge(logical_id, target, via="DependsOn")
        for key in ("Properties", "Metadata", "UpdatePolicy", "CreationPolicy"):
            for reference in references(resource.get(key), (key,)):
                if reference.name in resources and not graph.has_edge(logical_id, reference.name):
                    graph.add_edge(logical_id, reference.name, via=dotted(reference.path))
    return graph


def _author_of(node: str, authored: list[str]) -> str:
    """The authored logical id a generated resource came from: the longest one that prefixes it."""
    best = node
    for candidate in authored:
        if node.startswith(candidate) and (best == node or len(candidate) > len(best)):
            best = candidate
    return best if best != node or node in authored else node


def _concrete_path(graph: nx.DiGraph, groups: list[str], owner: dict[str, str], members: set[str]) -> list[str] | None:
    """The shortest concrete cycle that passes through the authored groups in order, or None.

    It starts and ends at the group's authored resource (or, if that is not in the circle, at its
    first generated one). States are (node, step): step counts the groups entered so far; inside a
    group the walk may take any edge, and leaving a group must enter the next one of the cycle.
    """
    in_first = sorted(node for node in members if owner[node] == groups[0])
    if not in_first:
        return None
    start = groups[0] if groups[0] in in_first else in_first[0]
    total = len(groups)
    if total == 1:
        inside = graph.subgraph(node for node in members if owner[node] == groups[0])
        on_cycles = _nodes_on_cycles(inside)
        if not on_cycles:
            return None  # edges inside the group (function -> its role) that close no circle
        return _shortest_cycle(inside, start if start in on_cycles else min(on_cycles))
    begin = (start, 0)
    previous: dict[tuple[str, int], tuple[str, int]] = {}
    queue = deque([begin])
    seen = {begin}
    while queue:
        node, step = queue.popleft()
        for neighbour in sorted(graph.successors(node)):
            if neighbour not in members or (neighbour == start and step == 0):
                continue
            if owner[neighbour] == groups[step % total]:
                state = (neighbour, step)
            elif step < total and owner[neighbour] == groups[(step + 1) % total]:
                state = (neighbour, step + 1)
            else:
                continue
            if state == (start, total):
                path = [node]
                current = (node, step)
                while current != begin:
                    current = previous[current]
                    path.append(current[0])
                path.reverse()
                return path
            if state not in seen:
                seen.add(state)
                previous[state] = (node, step)
                queue.append(state)
    return None


def _shortest_cycle(graph: nx.DiGraph, start: str) -> list[str] | None:
    """The shortest cycle through start (breadth first, neighbours in sorted order), or None."""
    previous: dict[str, str] = {}
    queue = deque([start])
    seen = {start}
    while queue:
        node = queue.popleft()
        for neighbour in sorted(graph.successors(node)):
            if neighbour == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return list(reversed(path))
            if neighbour not in seen:
                seen.add(neighbour)
                previous[neighbour] = node
                queue.append(neighbour)
    return None


def _nodes_on_cycles(graph: nx.DiGraph) -> set[str]:
    return {
        node
        for component in nx.strongly_connected_components(graph)
        for node in component
        if len(component) > 1 or graph.has_edge(node, node)
    }


def _rotate(cycle: list[str], template: dict[str, Any], order: dict[str, int]) -> list[str]:
    """Start the cycle at a function when it has one (that is where environment references live)."""
    resources = template.get("Resources") or {}

    def rank(node: str) -> tuple[int, int]:
        is_function = (resources.get(node) or {}).get("Type") in _FUNCTION_TYPES
        return (0 if is_function and node in order else 1 if node in order else 2, order.get(node, len(order)))

    index = cycle.index(min(cycle, key=rank))
    return cycle[index:] + cycle[:index]


def _describe(graph: nx.DiGraph, cycle: list[str]) -> tuple[str, ...]:
    return tuple(
        f"{source} -> {target}: {graph.edges[source, target]['via']}"
        for source, target in zip(cycle, cycle[1:] + cycle[:1], strict=True)
    )


def find_cycles(template: dict[str, Any], authored: list[str]) -> tuple[list[Cycle], bool]:
    """The distinct cycles of a transformed template, and whether the list was cut at MAX_CYCLES.

    authored: the logical ids of the source template in source order.
    """
    graph = dependency_graph(template)
    order = {logical_id: index for index, logical_id in enumerate(authored)}
    owner = {node: _author_of(node, authored) for node in graph.nodes}
    cycles: list[Cycle] = []
    seen: set[frozenset[tuple[str, str]]] = set()
    truncated = False
    components = [
        component
        for component in nx.strongly_connected_components(graph)
        if len(component) > 1 or any(graph.has_edge(node, node) for node in component)
    ]
    components.sort(key=lambda component: min(order.get(owner[node], len(order)) for node in component))
    for members in components:
        folded = nx.DiGraph()
        for source, target in graph.subgraph(members).edges:
            folded.add_edge(owner[source], owner[target])
        candidates: list[list[str]] = []
        for group in sorted(set(folded.nodes), key=lambda node: order.get(node, len(order))):
            if folded.has_edge(group, group):
                candidates.append([group])  # a circle among the resources generated from one resource
        folded.remove_edges_from(nx.selfloop_edges(folded))
        candidates.extend(nx.simple_cycles(folded))
        reported_before = len(cycles)
        for groups in candidates:
            if len(cycles) >= MAX_CYCLES:
                truncated = True
                break
            path = _concrete_path(graph, _rotate(groups, template, order), owner, members)
            if path is None:
                continue
            path = _rotate(path, template, order)
            identity = frozenset(zip(path, path[1:] + path[:1], strict=True))
            if identity in seen:
                continue
            seen.add(identity)
            cycles.append(Cycle(path[0], tuple(path), _describe(graph, path)))
        if len(cycles) == reported_before and not truncated:
            # No authored-level cycle maps onto this component (unusual naming): report one directly.
            path = _shortest_cycle(graph.subgraph(members), min(members))
            if path is not None:
                path = _rotate(path, template, order)
                cycles.append(Cycle(path[0], tuple(path), _describe(graph, path)))
    cycles.sort(key=lambda cycle: (order.get(owner[cycle.anchor], len(order)), len(cycle.resources)))
    return cycles, truncated

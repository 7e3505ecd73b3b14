"""Lay out a unit's lineage as a small left-to-right graph for the unit page (inline SVG)."""

from __future__ import annotations

from dataclasses import dataclass

from organizations.models import LineageLink, Unit

Pairs = list[tuple[Unit, LineageLink]]

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 190, 44, 70, 14, 10


@dataclass
class Node:
    unit: Unit
    label: str
    column: int
    x: int = 0
    y: int = 0
    current: bool = False

    @property
    def cx(self) -> int:
        return self.x + BOX_W // 2


@dataclass
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int
    label: str
    date: str


def build(unit: Unit, predecessors: Pairs, successors: Pairs) -> dict:
    """Nodes by generation: predecessors to the left, successors to the right.

    ``predecessors`` and ``successors`` are what :mod:`registry` returns for ``unit``."""
    nodes: dict[int, Node] = {unit.pk: Node(unit, str(unit), 0, current=True)}
    links = []
    for other, link in predecessors:
        column = nodes[link.successor_id].column - 1 if link.successor_id in nodes else -1
        nodes[other.pk] = Node(other, str(other), column)
        links.append(link)
    for other, link in successors:
        column = nodes[link.predecessor_id].column + 1 if link.predecessor_id in nodes else 1
        nodes[other.pk] = Node(other, str(other), column)
        links.append(link)
    # Links between nodes already placed (e.g. co-predecessors of a successor) are drawn too.
    columns = sorted({n.column for n in nodes.values()})
    by_column: dict[int, list[Node]] = {c: [] for c in columns}
    for node in nodes.values():
        by_column[node.column].append(node)
    tallest = max(len(v) for v in by_column.values())
    height = tallest * (BOX_H + GAP_Y) - GAP_Y + 2 * PAD
    for index, column in enumerate(columns):
        members = by_column[column]
        top = (height - (len(members) * (BOX_H + GAP_Y) - GAP_Y)) // 2
        for row, node in enumerate(members):
            node.x = PAD + index * (BOX_W + GAP_X)
            node.y = top + row * (BOX_H + GAP_Y)
    edges = []
    for link in {link.pk: link for link in links}.values():
        a, b = nodes.get(link.predecessor_id), nodes.get(link.successor_id)
        if a and b:
            edges.append(
                Edge(
                    a.x + BOX_W,
                    a.y + BOX_H // 2,
                    b.x,
                    b.y + BOX_H // 2,
                    f"{link.event.get_kind_display()} {link.event.effective_date:%d/%m/%Y}",
                    f"{link.event.effective_date:%d/%m/%Y}",
                )
            )
    width = PAD * 2 + len(columns) * (BOX_W + GAP_X) - GAP_X
    return {
        "nodes": list(nodes.values()),
        "edges": edges,
        "width": width,
        "height": height,
        "box_w": BOX_W,
        "box_h": BOX_H,
        "alone": len(nodes) == 1,
    }

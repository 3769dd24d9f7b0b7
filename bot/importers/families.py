"""How numbered paragraphs relate to the ones under them.

``1.X。具体：(1)…；(2)…。（牵头单位：A）``: items whose last one names the units are one task.
``(一)加强X（牵头单位：A）`` over ``1.…（责任单位：B）``: a heading stating units for the tasks
under it, which inherit the roles they do not name themselves.
"""

from __future__ import annotations

from bot.importers.outline import Block
from bot.importers.statements import find_statements


def names_units(block: Block) -> bool:
    found, _ = find_statements(block.text, at_end=False)
    return any(f.statement.is_task for f in found)


def merge_families(blocks: list[Block]) -> list[Block]:
    """``1.X。具体：(1)…；(2)…。（牵头单位：A）``: items under a numbered paragraph, only the last
    naming units, are one task (the paragraph's), the items its requirements."""
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        parent = blocks[index]
        end = index + 1
        while end < len(blocks) and blocks[end].level > parent.level:
            end += 1
        children = blocks[index + 1 : end]
        if (
            parent.level >= 1
            and len(children) >= 2
            and children[0].number == 1
            and not names_units(parent)
            and names_units(children[-1])
            and not any(names_units(c) for c in children[:-1])
        ):
            lines = [c.marker + c.text for c in children]
            lines = [*parent.lines, *lines]
            out.append(
                Block(parent.level, parent.number, parent.marker, lines, parent.index, parent.width)
            )
            index = end
            continue
        out.append(parent)
        index += 1
    return out


def groups(blocks: list[Block]) -> set[int]:
    """Positions of the paragraphs naming units that the next, deeper paragraph does too."""
    named = [names_units(block) for block in blocks]
    return {
        i
        for i in range(len(blocks) - 1)
        if named[i]
        and named[i + 1]
        and blocks[i + 1].level > blocks[i].level
        and blocks[i + 1].number == 1  # its first item: 3) after 2. is no item of it
    }

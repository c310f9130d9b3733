"""The neutral table shape every importer (CSV, XLSX, DOCX) produces.

Readers only turn a file into rows of cell text; recognising headers, mapping
columns and building facts happens once, in import_headers / import_workspace.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SourceTable:
    source: str  # the file path as the user gave it
    location: str  # where in the file: "工作表 Sheet1", "表2", "附件2"
    rows: list[list[str]]  # cell text; merged cells repeat their text; multi-paragraph cells joined by "\n"
    title: str | None = None  # caption/annex title above the table, e.g. "附件2 …重点工作任务推进情况"
    row_refs: list[str] = field(default_factory=list)  # per row, how to name it in messages ("第5行")
    warnings: list[str] = field(default_factory=list)  # what the reader could not read faithfully (uncalculated formulas)

    def ref(self, index: int) -> str:
        if index < len(self.row_refs):
            return self.row_refs[index]
        return f"第{index + 1}行"

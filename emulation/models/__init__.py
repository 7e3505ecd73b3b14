from emulation.models.cycle import (
    Aggregation,
    EmulationYear,
    Participant,
    Period,
    PeriodKind,
    Phase,
    Pledge,
    ReviewMode,
    TaskGroup,
    TieBreak,
)
from emulation.models.scales import Criterion, Method, Scale, Section
from emulation.models.sheets import Evidence, Score, ScoreSheet, SheetStatus, Stage
from emulation.models.targets import Target, TargetKind

__all__ = [
    "Aggregation",
    "Criterion",
    "EmulationYear",
    "Evidence",
    "Method",
    "Participant",
    "Period",
    "PeriodKind",
    "Phase",
    "Pledge",
    "ReviewMode",
    "Scale",
    "Score",
    "ScoreSheet",
    "Section",
    "SheetStatus",
    "Stage",
    "TaskGroup",
    "Target",
    "TargetKind",
    "TieBreak",
]

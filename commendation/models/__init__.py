from commendation.models.classification import (
    Gender,
    ImportBatch,
    Person,
    PersonClassification,
    UnitClassification,
)
from commendation.models.rules import (
    LEVEL_ABBREVIATIONS,
    Confidence,
    Disqualifier,
    Level,
    RuleSet,
    ScoreBand,
)

__all__ = [
    "LEVEL_ABBREVIATIONS",
    "Confidence",
    "Disqualifier",
    "Gender",
    "ImportBatch",
    "Level",
    "Person",
    "PersonClassification",
    "RuleSet",
    "ScoreBand",
    "UnitClassification",
]

"""How several reviewers' scores for one cell become one score.

- mean: the average of the reviewers' points;
- trimmed: with three or more reviewers, the single highest and single lowest are dropped
  before averaging (with fewer, the plain mean);
- standardized: corrects lenient and harsh reviewers. For each reviewer, every score they
  gave in the period and round is taken as a share of the criterion's maximum; the
  reviewer's shares are re-centred and re-scaled to the mean and spread of all reviewers'
  shares (z-scores: pooled mean + (share − reviewer's mean) × pooled sd / reviewer's sd),
  clamped to 0..maximum, then averaged. A reviewer whose scores never vary is only
  re-centred. Only regular hand-scored cells are standardized; bonus and deduction cells
  use the mean.
A cell is "not applicable" when more than half of its reviewers accepted that. Results are
rounded half up to 0,01.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from emulation.models import Aggregation, Method, Score

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass(frozen=True)
class Profile:
    mean: Decimal
    sd: Decimal


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, ZERO) / len(values)


def _sd(values: list[Decimal], mean: Decimal) -> Decimal:
    return (sum(((v - mean) ** 2 for v in values), ZERO) / len(values)).sqrt()


def _standardizable(score: Score) -> bool:
    c = score.criterion
    return (
        score.applicable
        and score.points is not None
        and c.max_points > 0
        and c.method in (Method.MANUAL, Method.YES_NO)
    )


def profiles(scores: Iterable[Score]) -> tuple[dict[int, Profile], Profile | None]:
    """Each reviewer's profile and the pooled one, from all scores of one period and round."""
    shares: dict[int, list[Decimal]] = {}
    for s in scores:
        if _standardizable(s):
            shares.setdefault(s.reviewer_id, []).append(s.points / s.criterion.max_points)
    every = [v for values in shares.values() for v in values]
    if not every:
        return {}, None
    pooled_mean = _mean(every)
    pooled = Profile(pooled_mean, _sd(every, pooled_mean))
    result = {}
    for reviewer, values in shares.items():
        m = _mean(values)
        result[reviewer] = Profile(m, _sd(values, m))
    return result, pooled


def _standardize(score: Score, own: Profile, pooled: Profile) -> Decimal:
    share = score.points / score.criterion.max_points
    if own.sd > 0:
        adjusted = pooled.mean + (share - own.mean) * pooled.sd / own.sd
    else:
        adjusted = share - own.mean + pooled.mean
    adjusted = min(max(adjusted, ZERO), ONE)
    return adjusted * score.criterion.max_points


@dataclass(frozen=True)
class Combined:
    points: Decimal | None
    applicable: bool
    count: int


def combine(
    scores: list[Score],
    method: str,
    reviewer_profiles: dict[int, Profile] | None = None,
    pooled: Profile | None = None,
) -> Combined | None:
    """One cell's aggregated review, or None when nobody reviewed it."""
    if not scores:
        return None
    not_applicable = sum(1 for s in scores if not s.applicable)
    if not_applicable * 2 > len(scores):
        return Combined(None, False, len(scores))
    scored = [s for s in scores if s.applicable and s.points is not None]
    if not scored:
        return None
    if method == Aggregation.STANDARDIZED and pooled is not None and reviewer_profiles:
        values = [
            _standardize(s, reviewer_profiles[s.reviewer_id], pooled)
            if _standardizable(s) and s.reviewer_id in reviewer_profiles
            else s.points
            for s in scored
        ]
    else:
        values = [s.points for s in scored]
    if method == Aggregation.TRIMMED and len(values) >= 3:
        values = sorted(values)[1:-1]
    return Combined(_mean(values).quantize(CENT, rounding=ROUND_HALF_UP), True, len(scored))

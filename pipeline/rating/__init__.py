"""rate: Campaign -> Ratings, pure functions; each rule that sets or caps a level gives its reason."""

from pipeline.rating.engine import rate
from pipeline.rating.rulebooks import RULEBOOKS, Rulebook, UnknownRulebook

__all__ = ["RULEBOOKS", "Rulebook", "UnknownRulebook", "rate"]

"""rate: Campaign -> Ratings, pure functions; each rule that sets or caps a level gives its reason."""

from pipeline.rating.engine import rate

__all__ = ["rate"]

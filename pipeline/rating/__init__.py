"""rate: Campaign -> Ratings, pure functions; each rule that sets or caps a level gives its reason."""

from typing import TYPE_CHECKING, Any

from pipeline.rating.rulebooks import RULEBOOKS, Rulebook, UnknownRulebook

if TYPE_CHECKING:
    from pipeline.rating.engine import rate

__all__ = ["RULEBOOKS", "Rulebook", "UnknownRulebook", "rate"]


def __getattr__(name: str) -> Any:
    """`rate` (the engine and its rules) is imported on first use: the CLI imports this package for
    the level names and rulebooks of every command, `hoso check` never rates."""
    if name == "rate":
        from pipeline.rating.engine import rate

        globals()["rate"] = rate
        return rate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

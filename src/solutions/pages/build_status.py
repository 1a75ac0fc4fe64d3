"""Page values for the build-status page (book/build-status.md); computed in solutions.build_status."""

from solutions.build_status import values

__all__ = ["values"]

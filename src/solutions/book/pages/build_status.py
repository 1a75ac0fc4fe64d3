"""Page values for the build-status page; computed in solutions.book.build_status."""

from solutions.book.build_status import values

__all__ = ["values"]

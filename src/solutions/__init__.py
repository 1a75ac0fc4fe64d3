"""Computed, tested answers to CSC413 PA2 and CS5242 HW5.

Each answer lives in one module (see ``python -m solutions list``); the book's
pages call these modules and glue their results into the text.
"""

__version__ = "0.1.0"

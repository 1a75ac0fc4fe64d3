"""``python -m solutions …`` is the ``solutions`` command (:mod:`solutions.cli`)."""

import sys

from solutions.cli import main

if __name__ == "__main__":
    sys.exit(main())

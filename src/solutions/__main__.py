"""Command line: ``python -m solutions list`` and ``python -m solutions show <answer-id>``."""

from __future__ import annotations

import argparse
import sys

from solutions.answers import ANSWERS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m solutions",
                                     description="Show the book's computed answers in the terminal.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the answer ids")
    show = sub.add_parser("show", help="print an answer's tables")
    show.add_argument("answer_id", help="an id from `python -m solutions list`")
    args = parser.parse_args(argv)

    if args.command == "list":
        for a in ANSWERS.values():
            print(f"{a.id:<12} {a.title}")
        return 0
    answer = ANSWERS.get(args.answer_id)
    if answer is None:
        print(f"unknown answer id {args.answer_id!r}; known ids:", file=sys.stderr)
        for a in ANSWERS.values():
            print(f"  {a.id:<12} {a.title}", file=sys.stderr)
        return 2
    print(f"{answer.title}\n(computed in {answer.module}, rendered in {answer.page})\n")
    print(answer.show("text"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

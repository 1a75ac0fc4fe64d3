"""The steps of one job of a GitHub Actions workflow, for .ci/run to execute as the runner would.

    python3 .ci/workflow_steps.py WORKFLOW JOB OUTDIR

Prints one line per step, ``<n>\\t<kind>\\t<name>`` (kind ``run``, or ``uses`` for an action),
and writes for a ``run:`` step ``OUTDIR/<n>.sh``: the step's script, after ``export`` lines for
the workflow's, the job's and the step's ``env:`` (the runner runs it with ``bash --noprofile
--norc -eo pipefail``, as for ``shell: bash``); for an action, ``OUTDIR/<n>.uses`` (the action)
and ``OUTDIR/<n>.with`` (its inputs, one ``key=value`` a line). Anything the runner would treat
in a way this stand-in does not (``if:``, another shell, expressions ``${{ }}`` in a script or
its env, a matrix or a container) is an error, so CI never silently runs something else than
the workflow says. Needs PyYAML (system python3-yaml, or the project's .venv).
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import yaml

STEP_KEYS = {"name", "id", "run", "uses", "with", "env", "shell", "working-directory",
             "timeout-minutes", "continue-on-error"}


def fail(message: str) -> None:
    sys.exit(f"workflow_steps.py: {message}")


def exports(env: dict | None, where: str) -> list[str]:
    lines = []
    for key, value in (env or {}).items():
        value = str(value).lower() if isinstance(value, bool) else str(value)
        if "${{" in value:
            fail(f"{where}: env {key} uses an expression, which CI cannot evaluate")
        lines.append(f"export {key}={shlex.quote(value)}")
    return lines


def main(workflow: str, job_name: str, outdir: str) -> None:
    doc = yaml.safe_load(Path(workflow).read_text(encoding="utf-8"))
    job = (doc.get("jobs") or {}).get(job_name)
    if job is None:
        fail(f"{workflow} has no job {job_name!r}")
    for key in ("strategy", "container", "services", "if"):
        if key in job:
            fail(f"job {job_name}: {key!r} is not supported by CI's stand-in runner")
    shell = (((doc.get("defaults") or {}).get("run") or {}).get("shell")
             or ((job.get("defaults") or {}).get("run") or {}).get("shell") or "bash")
    head = exports(doc.get("env"), "workflow") + exports(job.get("env"), f"job {job_name}")
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    for n, step in enumerate(job.get("steps") or [], start=1):
        where = f"job {job_name}, step {n}"
        unknown = set(step) - STEP_KEYS
        if unknown:
            fail(f"{where}: {sorted(unknown)} not supported by CI's stand-in runner")
        if step.get("continue-on-error"):
            fail(f"{where}: continue-on-error is not supported")
        if ("run" in step) == ("uses" in step):
            fail(f"{where}: needs exactly one of run/uses")
        if "uses" in step:
            name = step.get("name") or step["uses"]
            (out / f"{n}.uses").write_text(step["uses"] + "\n", encoding="utf-8")
            (out / f"{n}.with").write_text(
                "".join(f"{k}={v}\n" for k, v in (step.get("with") or {}).items()), encoding="utf-8")
            print(f"{n}\tuses\t{name}")
            continue
        if step.get("shell", shell) != "bash":
            fail(f"{where}: shell {step.get('shell', shell)!r}: CI runs bash steps only")
        script = step["run"]
        if "${{" in script:
            fail(f"{where}: the script uses an expression ${{{{ }}}}, which CI cannot evaluate")
        lines = head + exports(step.get("env"), where)
        if "working-directory" in step:
            lines.append(f"cd {shlex.quote(str(step['working-directory']))}")
        (out / f"{n}.sh").write_text("\n".join(lines + [script]) + "\n", encoding="utf-8")
        name = step.get("name") or script.strip().splitlines()[0]
        print(f"{n}\trun\t{name}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])

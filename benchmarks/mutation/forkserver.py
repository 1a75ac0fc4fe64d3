"""A warm pytest for mutation testing: third-party imports paid once, the checkout imported per run.

Importing torch, sympy and pytest takes 8-10 s on a loaded two-core machine, longer than most
tests of a mutant. So the mutation run (benchmarks/mutation/run.py) starts this server once:

    python benchmarks/mutation/forkserver.py serve SOCKET

It imports the third-party libraries only -- never ``solutions`` nor a test module -- and forks
one child per request. The child runs ``pytest.main(args)`` in the repository root with
``src`` first on ``sys.path``, so every module of the package and every test file is imported
afresh from the checkout as it is on disk at that moment, i.e. with cosmic-ray's mutation
applied. No bytecode is written (``sys.dont_write_bytecode``), so a mutant can never be run
from a stale ``.pyc``.

cosmic-ray's test command is the thin client, which imports nothing heavy:

    python benchmarks/mutation/forkserver.py client SOCKET -- PYTEST_ARGS...

It exits with the tests' exit status. When cosmic-ray kills the client (its timeout), the
connection closes and the server kills that run's pytest.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import sys
import tempfile

PRELOAD = (
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "torch.utils.flop_counter",
    "sympy",
    "sympy.parsing.latex",
    "numpy",
    "scipy.stats",
    "scipy.ndimage",
    "hypothesis",
    "hypothesis.strategies",
    "pytest",
    "_pytest.doctest",
    "_pytest.python",
    "lark",
)


def serve(path: str) -> None:
    """Accept requests on the unix socket ``path`` until killed; one forked pytest per request."""
    import importlib

    sys.dont_write_bytecode = True
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    for name in PRELOAD:
        importlib.import_module(name)
    assert not any(m == "solutions" or m.startswith("solutions.") for m in sys.modules), (
        "the server must not import the package: a fork would then run the unmutated code"
    )
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children reap themselves
    if os.path.exists(path):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)
    print("ready", flush=True)
    while True:
        conn, _ = server.accept()
        if os.fork() == 0:
            server.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                _handle(conn)
            finally:
                os._exit(0)
        conn.close()


def _handle(conn: socket.socket) -> None:
    """Run one request: fork the pytest, kill it if the client goes away, send back its status."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    request = json.loads(data)
    out = tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:
        os.setpgrp()
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
        os.chdir(request["cwd"])
        sys.path.insert(0, os.path.join(request["cwd"], "src"))
        sys.path.insert(0, os.path.join(request["cwd"], "tests"))
        os.environ.update(request.get("env", {}))
        import pytest

        try:
            code = int(pytest.main(request["args"]))
        except BaseException:  # noqa: BLE001 -- a crash of the mutant's import is a kill
            import traceback

            traceback.print_exc()
            code = 99
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        readable, _, _ = select.select([conn], [], [], 0.05)
        if readable and not conn.recv(1):  # the client is gone (timed out): stop the run
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return
    code = os.waitstatus_to_exitcode(status)
    out.seek(0)
    tail = out.read()[-20000:].decode("utf-8", "replace")
    conn.sendall(json.dumps({"code": code, "output": tail}).encode() + b"\n")


def client(path: str, args: list[str]) -> int:
    """Send one pytest run to the server; print its output; return its exit status."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(path)
    env = {k: v for k, v in os.environ.items() if k.startswith(("SOLUTIONS_", "HYPOTHESIS"))}
    conn.sendall(json.dumps({"args": args, "cwd": os.getcwd(), "env": env}).encode() + b"\n")
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            print("forkserver: connection closed without a result", file=sys.stderr)
            return 98
        data += chunk
    reply = json.loads(data)
    print(reply["output"])
    return int(reply["code"])


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "serve":
        serve(sys.argv[2])
    elif len(sys.argv) >= 4 and sys.argv[1] == "client" and sys.argv[3] == "--":
        sys.exit(client(sys.argv[2], sys.argv[4:]))
    else:
        sys.exit(__doc__)

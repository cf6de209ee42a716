"""The pipeline's command line ends without the interpreter's teardown (``pipelines.__main__``)
but keeps what a normal exit guarantees: its exit code, its flushed output and logs, the
exit handlers, and the threads still working (a snapshot copy) waited for."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def test_the_cli_exit_keeps_code_output_handlers_and_threads(tmp_path: Path) -> None:
    written = tmp_path / "written-by-thread.txt"
    script = textwrap.dedent(
        f"""
        import atexit, logging, threading, time
        from pipelines.__main__ import exit_without_teardown

        def work():
            time.sleep(0.3)
            open({str(written)!r}, "w").write("finished")

        threading.Thread(target=work).start()
        atexit.register(lambda: print("exit handler ran", flush=False))
        logging.basicConfig(level=logging.INFO)
        logging.getLogger("cli").info("logged")
        print("unflushed output", end="")
        exit_without_teardown(3)
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 3
    assert "unflushed output" in completed.stdout
    assert "exit handler ran" in completed.stdout
    assert "logged" in completed.stderr
    assert written.read_text() == "finished"

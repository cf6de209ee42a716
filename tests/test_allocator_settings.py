"""The DuckDB allocator setting the package exports reaches DuckDB in the processes it starts.

jemalloc reads ``DUCKDB_JE_MALLOC_CONF`` once, when DuckDB is loaded, and can print the
options it settled on at exit (``stats_print``). These tests start fresh interpreters so
that the variable is read as a daily run's processes read it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from pipelines import DUCKDB_ALLOCATOR_SETTINGS

CONF = "DUCKDB_JE_MALLOC_CONF"

# import the package first, as every entry point does; then ask jemalloc to print its
# options at exit, and give DuckDB some work so that it allocates
PROBE = f"""
import os
import pipelines
os.environ["{CONF}"] += ",stats_print:true"
import duckdb
duckdb.sql("select sum(range) from range(1000000)").fetchall()
print("conf=" + os.environ["{CONF}"])
"""


def _allocator_options(env: dict[str, str]) -> tuple[str, dict[str, int]]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    conf = re.search(r"^conf=(.*)$", completed.stdout, re.MULTILINE)
    assert conf, completed.stdout
    options = {
        name: int(value)
        for name, value in re.findall(r"opt\.(\w+_decay_ms): (-?\d+)", completed.stderr)
    }
    return conf.group(1), options


def test_duckdb_keeps_freed_pages_as_the_package_configures() -> None:
    env = {name: value for name, value in os.environ.items() if name != CONF}
    conf, options = _allocator_options(env)
    assert conf.startswith(DUCKDB_ALLOCATOR_SETTINGS[CONF])
    expected = dict(item.split(":") for item in DUCKDB_ALLOCATOR_SETTINGS[CONF].split(","))
    assert options == {name: int(value) for name, value in expected.items()}
    # DuckDB's own default is a second and at once: the setting changed something
    assert options != {"dirty_decay_ms": 1000, "muzzy_decay_ms": 0}


def test_an_operators_own_allocator_setting_wins() -> None:
    env = {**os.environ, CONF: "dirty_decay_ms:5000,muzzy_decay_ms:0"}
    conf, options = _allocator_options(env)
    assert conf == "dirty_decay_ms:5000,muzzy_decay_ms:0,stats_print:true"
    assert options == {"dirty_decay_ms": 5000, "muzzy_decay_ms": 0}

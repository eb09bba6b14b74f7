"""Times every script run inside a `streamlit run` server started by benchmarks/run.py, and
(with KZ_BENCH_TRIM=1, for benchmarks/memory_rounds.py) hands freed memory back to the system
every two seconds: a full garbage collection, then glibc's malloc_trim(0).

benchmarks/run.py puts this folder on PYTHONPATH and sets KZ_BENCH_RERUN_LOG; Python then
imports this module at start-up, and it wraps Streamlit's ScriptRunner._run_script so that each
run appends one JSON line to that file: when it started (time.time()) and how long it took in
ms (wall clock, from the start of the script to the enqueueing of its last message). Without
the variable it does nothing.
"""

import json
import os
import threading
import time

_LOG = os.environ.get("KZ_BENCH_RERUN_LOG")


def _install(path: str) -> None:
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.ScriptRunner._run_script
    lock = threading.Lock()

    def timed(self, rerun_data):
        started, t0 = time.time(), time.perf_counter()
        try:
            return original(self, rerun_data)
        finally:
            line = json.dumps({"start": started, "ms": (time.perf_counter() - t0) * 1000})
            with lock, open(path, "a", encoding="utf-8") as log:
                log.write(line + "\n")

    script_runner.ScriptRunner._run_script = timed


def _trim_forever() -> None:
    import ctypes
    import gc

    libc = ctypes.CDLL("libc.so.6")
    while True:
        time.sleep(2.0)
        gc.collect()
        libc.malloc_trim(0)


if _LOG:
    _install(_LOG)
if os.environ.get("KZ_BENCH_TRIM") == "1":
    threading.Thread(target=_trim_forever, name="kz-bench-trim", daemon=True).start()

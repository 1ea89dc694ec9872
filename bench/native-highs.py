#!/usr/bin/env python3
"""Time native HiGHS (highspy) on an LP that `fundplan solve --emit-lp FILE` wrote.

    python3 bench/native-highs.py model.lp [--presolve on|off]

Prints one JSON line: status, objective, solve seconds (run only, model already read).
highspy is not a dependency of fundplan; where it is missing this says so and exits 2.
"""
import json
import sys
import time

try:
    import highspy
except ImportError:
    print(json.dumps({"error": "highspy is not installed (pip install highspy)"}))
    sys.exit(2)

path = sys.argv[1]
presolve = "off"
if "--presolve" in sys.argv:
    presolve = sys.argv[sys.argv.index("--presolve") + 1]
h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.setOptionValue("presolve", presolve)
h.readModel(path)
t = time.perf_counter()
h.run()
seconds = time.perf_counter() - t
print(json.dumps({
    "status": h.modelStatusToString(h.getModelStatus()),
    "objective": h.getInfo().objective_function_value,
    "seconds": seconds,
    "presolve": presolve,
    "version": highspy.Highs().version() if hasattr(highspy.Highs(), "version") else "",
}))

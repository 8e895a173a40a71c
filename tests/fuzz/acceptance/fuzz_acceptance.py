#!/usr/bin/python3
"""Mutation fuzzer for the acceptance driver's readers of untrusted files
(jobscripts/acceptance/whpc-acceptance): each case's report.json (written by an app, possibly
truncated by a killed job, edited, or from another version), summary.json files given to
`compare` (often from another machine) and runs.json read by `report OUT_DIR`.

  fuzz_acceptance.py CORPUS_DIR RUNS [--seed N] [--artifacts DIR] [--keep-going] [--plots-every K]
                     [--replay DIR]

Seeds: CORPUS_DIR/report-*.json, summary-*.json, runs-*.json. Each execution takes a seed,
mutates it (bytes: flips, cuts, inserts, truncation; or structure: a random node of the parsed
document replaced by a value of another type, a huge/NaN/negative number, deep nesting, or
removed) and feeds it to the driver's own functions: collect + summarise (summary.json, index.md,
index.html; the PNG plots every K-th execution, they cost ~0.3 s) for a report of every case kind,
compare in both directions for a summary, `report` for runs.json. Allowed outcomes: a normal
return, or the driver's clean error (SystemExit with status 2 after its one-line message). Any
other exception is a finding: the input is saved under --artifacts and the run fails (or, with
--keep-going, counts distinct findings by their innermost driver line). Exit: 0 no finding, 1
findings. --replay DIR first runs every file of DIR once, unmutated, in the role its name
starts with (report-, summary-, runs-): the regression inputs (regressions/: the 27 distinct
findings of the first run, before the driver checked what it reads)."""
import contextlib
import importlib.machinery
import importlib.util
import io
import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
DRIVER = os.environ.get("WHPC_ACCEPTANCE_DRIVER", os.path.join(SRC, "jobscripts", "acceptance", "whpc-acceptance"))


def load_driver():
    loader = importlib.machinery.SourceFileLoader("whpc_acceptance", DRIVER)
    spec = importlib.util.spec_from_loader("whpc_acceptance", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    # machine() describes this host (subprocesses: mpirun, git, sinfo): not input, and slow
    mod.machine = lambda src, runs: {"hostname": "fuzz", "cpu_model": "x", "logical_cpus": 2, "memory_gib": 1.0,
                                     "kernel": "k", "mpi": "m", "slurm": "", "git_revision": "g",
                                     "slurm_job_ids": [], "date": "d"}
    return mod


# ---------------------------------------------------------------- mutations
def rand_value(rng, depth=0):
    r = rng.randrange(22)
    if r == 0:
        return None
    if r == 1:
        return rng.choice([True, False])
    if r == 2:
        return rng.choice([0, -1, 1, 2**31, -2**63, 10**400])
    if r == 3:
        return rng.choice([0.0, -0.0, 1e308, -1e308, 5e-324, float("nan"), float("inf"), -float("inf")])
    if r == 4:
        return rng.choice(["", "x", "pass", "fail", "name", "\u00e9\u2603", "\x00", "a" * 300, "../../etc", "%s%d"])
    if r == 5:
        return []
    if r == 6:
        return {}
    if r == 7:  # deep nesting (json's recursion limit)
        d = rng.choice([50, 900, 3000])
        return json.loads("[" * d + "]" * d) if d < 900 else "DEEP%d" % d
    if r == 8:
        return {"name": rand_value(rng, depth + 1), "value": rand_value(rng, depth + 1), "unit": rand_value(rng, depth + 1)}
    if r == 9:
        return [rand_value(rng, depth + 1) for _ in range(rng.randrange(4))] if depth < 3 else []
    if r == 10:
        return {"name": "t", "max_s": rand_value(rng, depth + 1)}
    if r == 11:
        return {"name": "v", "value": 1.0, "reference": 0, "tolerance": 1, "pass": rand_value(rng, depth + 1)}
    if r == 12:
        return rng.randrange(-5, 70)
    if r == 13:
        return rng.uniform(-1e6, 1e6)
    if r == 14:
        return {"ranks": rand_value(rng, depth + 1), "fom": rand_value(rng, depth + 1)}
    if r == 15:
        return {str(rand_value(rng, 9)): rand_value(rng, depth + 1)} if depth < 3 else {}
    if r == 16:
        return rng.choice(["validation", "fom", "strong", "weak", "micro", "done", "skipped", "submitted"])
    return rng.choice(["1", "-3", "1e999", "NaN", 7, 0.5])


def nodes(doc, path=()):
    yield path
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from nodes(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from nodes(v, path + (i,))


def set_at(doc, path, value, delete=False):
    if not path:
        return value
    cur = doc
    for p in path[:-1]:
        cur = cur[p]
    if delete:
        del cur[path[-1]]
    else:
        cur[path[-1]] = value
    return doc


def tree_mutate(rng, data):
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return byte_mutate(rng, data)
    for _ in range(rng.randrange(1, 4)):
        paths = list(nodes(doc))
        path = rng.choice(paths)
        doc = set_at(doc, path, rand_value(rng), delete=bool(path) and rng.random() < 0.2)
    text = json.dumps(doc, allow_nan=True)
    for d in (900, 3000):  # deep nesting, spliced as text (json.dumps itself would recurse)
        text = text.replace('"DEEP%d"' % d, "[" * d + "]" * d)
    return text.encode("utf-8", "surrogatepass")


def byte_mutate(rng, data):
    b = bytearray(data)
    for _ in range(rng.randrange(1, 6)):
        op = rng.randrange(7)
        n = len(b)
        if op == 0 and n:
            b[rng.randrange(n)] = rng.randrange(256)
        elif op == 1 and n:
            i = rng.randrange(n)
            del b[i:i + rng.randrange(1, 64)]
        elif op == 2:
            i = rng.randrange(n + 1)
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
        elif op == 3 and n:
            del b[rng.randrange(n):]
        elif op == 4 and n:
            i = rng.randrange(n)
            b[i:i] = b[i:i + rng.randrange(1, 200)]
        elif op == 5:
            i = rng.randrange(n + 1)
            b[i:i] = rng.choice([b'"', b"{", b"}", b"[", b"]", b",", b":", b"null", b"NaN", b"-Infinity", b"1e999",
                                  b"\xff\xfe", b"\\u0000", b"\\ud800"])
        elif op == 6 and n:
            i = rng.randrange(n)
            b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def mutate(rng, data):
    r = rng.random()
    if r < 0.55:
        return tree_mutate(rng, data)
    if r < 0.9:
        return byte_mutate(rng, data)
    return byte_mutate(rng, tree_mutate(rng, data))


# ---------------------------------------------------------------- targets
KINDS = ("validation", "fom", "strong", "weak", "micro")


def run_report(mod, work, data, rng, plots):
    out = os.path.join(work, "out")
    shutil.rmtree(out, ignore_errors=True)
    runs = []
    for i, kind in enumerate(KINDS):
        d = os.path.join(out, "cases", "c%d" % i)
        os.makedirs(d)
        with open(os.path.join(d, "report.json"), "wb") as f:
            f.write(data)
        # strong/weak: a second point of the same case reads the same report
        for ranks in ((1, 2) if kind in ("strong", "weak") else (1,)):
            runs.append({"case": "c%d" % i, "name": "c%d-r%d" % (i, ranks), "kind": kind, "ranks": ranks,
                         "exe": "x", "config": "", "args": [], "data": "", "dir": d, "result": "",
                         "status": "done", "exit_code": rng.choice([0, 0, 0, 1]), "wall_s": 1.0,
                         "command": "x"})
    saved = mod.plots
    if not plots:
        mod.plots = lambda out_, summ: []
    try:
        mod.summarise(out, runs, {"size": "small", "mode": "local"}, SRC)
    finally:
        mod.plots = saved


def run_summary(mod, work, data, good):
    a, b = os.path.join(work, "a.json"), os.path.join(work, "b.json")
    with open(a, "wb") as f:
        f.write(data)
    with open(b, "wb") as f:
        f.write(good)
    with contextlib.redirect_stdout(io.StringIO()):
        mod.compare(a, b, "")
        mod.compare(b, a, os.path.join(work, "cmp"))


def run_runs(mod, work, data, plots):
    out = os.path.join(work, "rep")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    with open(os.path.join(out, "runs.json"), "wb") as f:
        f.write(data)
    saved, argv = mod.plots, sys.argv
    if not plots:
        mod.plots = lambda out_, summ: []
    sys.argv = ["whpc-acceptance", "report", out]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            mod.main()
    finally:
        mod.plots, sys.argv = saved, argv


def finding_key(tb):
    """The innermost frame in the driver: where it broke."""
    frames = [f for f in traceback.extract_tb(tb) if f.filename == DRIVER]
    f = frames[-1] if frames else traceback.extract_tb(tb)[-1]
    return "%s:%d (%s)" % (os.path.basename(f.filename), f.lineno, f.name)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    corpus, runs = args[0], int(args[1])
    opts = dict(seed=1, artifacts="", keep_going=False, plots_every=200, replay="")
    i = 2
    while i < len(args):
        a = args[i]
        if a == "--keep-going":
            opts["keep_going"] = True
        elif a in ("--seed", "--artifacts", "--plots-every", "--replay"):
            i += 1
            opts[a[2:].replace("-", "_")] = args[i]
        else:
            print("unknown option %s" % a, file=sys.stderr)
            return 2
        i += 1
    rng = random.Random(int(opts["seed"]))
    seeds = {}
    for name in sorted(os.listdir(corpus)):
        role = name.split("-", 1)[0]
        if role in ("report", "summary", "runs") and name.endswith(".json"):
            seeds.setdefault(role, []).append(open(os.path.join(corpus, name), "rb").read())
    if set(seeds) != {"report", "summary", "runs"}:
        print("%s: needs report-*.json, summary-*.json and runs-*.json seeds" % corpus, file=sys.stderr)
        return 2
    mod = load_driver()
    sys.setrecursionlimit(3000)
    work = tempfile.mkdtemp(prefix="whpc-fuzz-acc.")
    findings, n_clean_errors, t0 = {}, 0, time.time()
    replay = []
    if opts["replay"]:
        for name in sorted(os.listdir(opts["replay"])):
            role = name.split("-", 1)[0]
            if role in seeds:
                replay.append((role, open(os.path.join(opts["replay"], name), "rb").read()))
        print("replaying %d regression inputs" % len(replay))
    n = -1
    try:
        for n in range(len(replay) + runs):
            if n < len(replay):
                role, data = replay[n]
            else:
                role = ("report", "report", "summary", "runs")[n % 4]
                data = rng.choice(seeds[role]) if n < len(replay) + 8 else mutate(rng, rng.choice(seeds[role]))
            try:
                with contextlib.redirect_stderr(io.StringIO()):
                    if role == "report":
                        run_report(mod, work, data, rng, n % int(opts["plots_every"]) == 0)
                    elif role == "summary":
                        run_summary(mod, work, data, seeds["summary"][0])
                    else:
                        run_runs(mod, work, data, n % int(opts["plots_every"]) == 1)
            except SystemExit as ex:
                if ex.code not in (0, 1, 2):
                    raise
                n_clean_errors += ex.code == 2
            except Exception as ex:  # noqa: BLE001 -- every other exception is a finding
                key = finding_key(ex.__traceback__)
                first = key not in findings
                findings.setdefault(key, [0, role, "%s: %s" % (type(ex).__name__, str(ex)[:200])])[0] += 1
                if first:
                    print("FINDING %s on a %s input: %s" % (key, role, findings[key][2]))
                    if opts["artifacts"]:
                        os.makedirs(opts["artifacts"], exist_ok=True)
                        p = os.path.join(opts["artifacts"], "%s-%d.json" % (role, n))
                        open(p, "wb").write(data)
                        print("  input saved as %s" % p)
                    traceback.print_exception(type(ex), ex, ex.__traceback__, limit=-4)
                if not opts["keep_going"]:
                    break
    finally:
        shutil.rmtree(work, ignore_errors=True)
    done = n + 1
    print("fuzz_acceptance: %d executions in %.0f s, %d clean driver errors, %d distinct findings" %
          (done, time.time() - t0, n_clean_errors, len(findings)))
    for k, (cnt, role, msg) in sorted(findings.items()):
        print("  %s: %d times (%s input), e.g. %s" % (k, cnt, role, msg))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())

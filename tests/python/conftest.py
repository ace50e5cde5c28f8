"""Helpers for the tests of crmake's Python hooks: a tiny project and a hooked run of it."""

import glob
import json
import os
import subprocess
import sys
import textwrap

import pytest

# The tests import crmake's modules into this process too; keep python/ clean.
sys.dont_write_bytecode = True

HOOKS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "python")
PYTHON = sys.executable


class Result:
    """A finished hooked run: exit status, output and the records it wrote."""

    def __init__(self, proc, records):
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.records = records

    def of(self, kind):
        return [r for r in self.records if r["type"] == kind]

    def tests(self):
        return self.of("test")

    def by_id(self):
        return {r["id"]: r for r in self.tests()}

    def result(self):
        results = self.of("result")
        assert len(results) == 1, self.records
        return results[0]

    def __repr__(self):
        return "<rc=%d\nstdout:\n%s\nstderr:\n%s\nrecords:\n%s>" % (
            self.returncode, self.stdout, self.stderr,
            "\n".join(json.dumps(r) for r in self.records))


class Project:
    """A project tree under tmp_path/proj and crmake's files under tmp_path/crmake."""

    def __init__(self, tmp_path):
        self.root = str(tmp_path / "proj")
        self.work = str(tmp_path / "crmake")
        os.makedirs(self.root)
        os.makedirs(self.work)
        self.record_file = os.path.join(self.work, "records.jsonl")
        self.coverage_dir = os.path.join(self.work, "coverage")

    def path(self, name):
        return os.path.join(self.root, name)

    def write(self, name, text):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(textwrap.dedent(text).lstrip("\n"))
        return path

    def line_of(self, name, text):
        """Return the 1-based number of the first line of file name that contains text."""
        with open(self.path(name)) as f:
            for number, line in enumerate(f, 1):
                if text in line:
                    return number
        raise AssertionError("%r not in %s" % (text, name))

    def files(self):
        found = set()
        for dirpath, dirnames, filenames in os.walk(self.root):
            for name in filenames:
                found.add(os.path.relpath(os.path.join(dirpath, name), self.root))
        return found

    def env(self, runner="auto", select=None, coverage=None, pythonpath=(),
            protocol="1", extra=None):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("CRMAKE_", "PYTEST_", "COVERAGE_", "PYTHON"))}
        env["PYTHONPATH"] = os.pathsep.join([HOOKS] + list(pythonpath))
        env["PYTHONPYCACHEPREFIX"] = os.path.join(self.work, "pycache")
        if protocol is not None:
            env["CRMAKE_PROTOCOL"] = protocol
        env["CRMAKE_RECORD"] = self.record_file
        if runner is not None:
            env["CRMAKE_RUNNER"] = runner
        if select is not None:
            path = os.path.join(self.work, "select.jsonl")
            with open(path, "w") as f:
                for entry in select:
                    f.write(entry if isinstance(entry, str) else json.dumps(entry))
                    f.write("\n")
            env["CRMAKE_SELECT"] = path
        if coverage is not None:
            os.makedirs(self.coverage_dir, exist_ok=True)
            env["CRMAKE_COVERAGE"] = self.coverage_dir
            path = os.path.join(self.work, "include")
            with open(path, "w") as f:
                f.write("".join(os.path.realpath(self.path(p)) + "\n" for p in coverage))
            env["CRMAKE_COVERAGE_INCLUDE"] = path
        env.update(extra or {})
        return env

    def run(self, argv, timeout=60, **kwargs):
        if os.path.exists(self.record_file):
            os.unlink(self.record_file)
        proc = subprocess.run(argv, cwd=self.root, env=self.env(**kwargs),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=timeout)
        records = []
        if os.path.exists(self.record_file):
            with open(self.record_file) as f:
                records = [json.loads(line) for line in f]
        return Result(proc, records)

    def pytest(self, *args, **kwargs):
        return self.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
                        + list(args), **kwargs)

    def unittest(self, *args, **kwargs):
        return self.run([PYTHON, "-m", "unittest"] + list(args), **kwargs)

    def contexts(self, name):
        """Return {line: set of contexts} measured for file name, over all data files."""
        coverage = pytest.importorskip("coverage")
        target = os.path.realpath(self.path(name))
        lines = {}
        for data_file in glob.glob(os.path.join(self.coverage_dir, ".coverage*")):
            data = coverage.CoverageData(basename=data_file)
            data.read()
            for measured in data.measured_files():
                if measured != target:
                    continue
                for line, names in data.contexts_by_lineno(measured).items():
                    lines.setdefault(line, set()).update(names)
        return lines

    def measured_files(self):
        coverage = pytest.importorskip("coverage")
        files = set()
        for data_file in glob.glob(os.path.join(self.coverage_dir, ".coverage*")):
            data = coverage.CoverageData(basename=data_file)
            data.read()
            files.update(data.measured_files())
        return files


@pytest.fixture
def project(tmp_path):
    return Project(tmp_path)

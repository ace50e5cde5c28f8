"""Boot: the protocol switch, the boot record, arming, chain-loading, records and failures."""

import importlib
import json
import os
import subprocess
import sys

from conftest import HOOKS, PYTHON


def python(project, code, **kwargs):
    return project.run([PYTHON, "-c", code], **kwargs)


def test_nothing_happens_without_the_protocol(project):
    result = python(project, "import os, sys\n"
                    "print(os.environ.get('PYTEST_PLUGINS'))\n"
                    "print(sorted(m for m in sys.modules if m.startswith('crmake')))",
                    protocol=None)
    assert result.returncode == 0, result
    assert result.stdout.split("\n")[:2] == ["None", "[]"]
    assert not os.path.exists(project.record_file)


def test_boot_record_and_a_light_start(project):
    result = python(project, "import sys\n"
                    "print(sorted(m for m in ('json', 'unittest', 'inspect', 'coverage',"
                    " 'pytest') if m in sys.modules))")
    assert result.returncode == 0, result
    assert result.stdout.strip() == "[]"
    assert len(result.records) == 1, result
    boot = result.records[0]
    assert boot["type"] == "boot"
    assert isinstance(boot["pid"], int) and boot["pid"] != os.getpid()
    assert boot["python"] == sys.executable
    assert boot["version"] == "%d.%d.%d" % sys.version_info[:3]
    assert boot["cache_tag"] == sys.implementation.cache_tag


def test_arming_pytest_sets_pytest_plugins_once(project):
    show = "import os; print(os.environ.get('PYTEST_PLUGINS'))"
    assert python(project, show, runner="pytest").stdout.strip() == "crmake_pytest"
    assert python(project, show, runner="auto",
                  extra={"PYTEST_PLUGINS": "xdist"}).stdout.strip() == "xdist,crmake_pytest"
    assert python(project, show, runner="auto",
                  extra={"PYTEST_PLUGINS": "a,crmake_pytest"}).stdout.strip() == "a,crmake_pytest"
    assert python(project, show, runner="unittest").stdout.strip() == "None"
    assert python(project, show, runner="").stdout.strip() == "None"


def test_unknown_runner_is_an_error_record(project):
    result = python(project, "print('ran')", runner="nose")
    assert result.stdout.strip() == "ran"
    errors = result.of("error")
    assert [e["what"] for e in errors] == ["hook"], result
    assert "nose" in errors[0]["message"]


def test_shadowed_sitecustomize_is_chained_once(project, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    marker = tmp_path / "marker"
    (other / "sitecustomize.py").write_text(
        "import os\n"
        "with open(%r, 'a') as f:\n"
        "    f.write(__name__ + ' ' + str(__file__ != None) + '\\n')\n" % str(marker))
    link = tmp_path / "hooks-link"
    link.symlink_to(HOOKS)
    # Our directory listed again (through a symbolic link) must not be taken
    # for the shadowed one.
    result = python(project, "import sitecustomize; print(sitecustomize.__file__)",
                    pythonpath=[str(link), str(other)])
    assert result.returncode == 0, result
    assert os.path.realpath(result.stdout.strip()) == os.path.join(HOOKS, "sitecustomize.py")
    assert marker.read_text() == "sitecustomize True\n"
    assert result.stderr == ""
    assert [r["type"] for r in result.records] == ["boot"]

    marker.unlink()
    python(project, "pass", pythonpath=[str(other)], protocol=None)
    assert marker.read_text() == "sitecustomize True\n"


def test_failing_shadowed_sitecustomize_does_not_stop_us(project, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "sitecustomize.py").write_text("raise ValueError('broken on purpose')\n")
    result = python(project, "print('still here')", pythonpath=[str(other)])
    assert result.returncode == 0, result
    assert result.stdout.strip() == "still here"
    lines = [l for l in result.stderr.splitlines() if "sitecustomize" in l]
    assert len(lines) == 1, result
    assert "ValueError: broken on purpose" in lines[0]
    assert str(other / "sitecustomize.py") in lines[0]
    assert [r["type"] for r in result.records] == ["boot"]


def test_coverage_import_failure_is_recorded(project, tmp_path):
    fake = tmp_path / "fake" / "coverage"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no coverage here')\n")
    result = python(project, "print('still here')", coverage=[],
                    pythonpath=[str(fake.parent)])
    assert result.returncode == 0, result
    assert result.stdout.strip() == "still here"
    assert result.of("error") == [
        {"type": "error", "what": "coverage", "message": "no coverage here"}]


def test_records_from_concurrent_processes_do_not_interleave(project):
    code = ("import crmake_record, sys\n"
            "for i in range(200):\n"
            "    crmake_record.emit({'type': 'x', 'who': sys.argv[1], 'i': i,"
            " 'pad': sys.argv[1] * 5000})\n")
    env = project.env(runner=None)
    procs = [subprocess.Popen([PYTHON, "-c", code, str(n)], cwd=project.root, env=env)
             for n in range(4)]
    for proc in procs:
        assert proc.wait(timeout=60) == 0
    with open(project.record_file) as f:
        records = [json.loads(line) for line in f]
    extra = [r for r in records if r["type"] == "x"]
    assert len(extra) == 800
    for n in range(4):
        mine = [r["i"] for r in extra if r["who"] == str(n)]
        assert mine == list(range(200))
    assert all(r["pad"] == r["who"] * 5000 for r in extra)
    assert os.stat(project.record_file).st_mode & 0o777 == 0o600


def test_records_are_compact_ascii_json():
    sys.path.insert(0, HOOKS)
    try:
        crmake_record = importlib.import_module("crmake_record")
    finally:
        sys.path.remove(HOOKS)
    record = {"type": "test", "id": 'tests/t.py::test[a"b\\c\n\u00e9\U0001f600\udcff]',
              "file": None, "line": 12, "wall": 0.1 + 0.2, "cpu": 1e-07,
              "ok": True, "no": False, "found": [0, 3], "big": 2 ** 70}
    line = crmake_record.dumps(record)
    assert line == json.dumps(record, ensure_ascii=True, separators=(",", ":"))
    assert line.isascii() and "\n" not in line
    assert json.loads(line) == record


def test_path_lists_carry_any_name(tmp_path):
    # As cr-plan writes them: one a line, \\ and \n escaped.
    sys.path.insert(0, HOOKS)
    try:
        crmake_record = importlib.import_module("crmake_record")
    finally:
        sys.path.remove(HOOKS)
    listing = tmp_path / "files"
    listing.write_bytes(b"/p/plain.py\n/p/a b$#:'\".py\n/p/new\\nline\\\\.py\n"
                        b"/p/back\\\\nslash.py\n\n/p/caf\xc3\xa9.py\n/p/x\xff.py\n")
    assert crmake_record.read_paths(str(listing)) == [
        "/p/plain.py", "/p/a b$#:'\".py", "/p/new\nline\\.py",
        "/p/back\\nslash.py", "/p/caf\u00e9.py", os.fsdecode(b"/p/x\xff.py")]

"""The README's commands work as typed: run from its own text, in a checkout after `make run`.

The commands that change nothing but a scratch database run here (export, import --dry-run,
loaddata, check, axes_reset); the others must be listed in NOT_RUN with the reason, so a new
command in the README cannot go untested by accident.
"""

import os
import re
import shlex
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAFE = {"export_roadmap", "loaddata", "check", "axes_reset"}
NOT_RUN = {
    # Interactive.
    "createsuperuser",
    # Minutes of work; make bench runs it.
    "generate_demo_data",
    # Sends e-mail; its dry run and every exit code are tested in tests/test_data_calls.py.
    "send_data_calls",
}


def _sh_lines(text: str) -> list[str]:
    """The command lines of the ```sh blocks, without their trailing comments."""
    lines = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        for line in block.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command:
                lines.append(command)
    return lines


def _subcommand(line: str) -> str | None:
    words = shlex.split(line)
    return words[words.index("manage.py") + 1] if "manage.py" in words else None


def _make_run_set_up() -> list[str]:
    """What `make run` does before serving, from the Makefile's own recipe."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE).group(1)
    return [
        line.strip().replace("$(BIN)", ".venv/bin")
        for line in recipe.splitlines()
        if "runserver" not in line
    ]


def _run(line: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_readme_manage_py_commands_are_all_run_or_listed():
    commands = [_subcommand(line) for line in _sh_lines((ROOT / "README.md").read_text())]
    manage = [command for command in commands if command]

    assert set(manage) - SAFE - NOT_RUN == {"import_roadmap"}
    assert set(manage) >= SAFE


def test_readme_commands_work_as_typed_after_make_run(tmp_path):
    # A checkout as `make run` leaves it: manage.py and .venv at hand (linked, so the files
    # the commands write land here), a migrated database with the RE-SOURCING data. Only the
    # database is chosen for the test, through the README's own DATABASE_URL; nothing else of
    # this process's environment (the suite's secret key, DJANGO_*) is passed on.
    assert (ROOT / ".venv" / "bin" / "python").exists(), "the README's commands use .venv"
    (tmp_path / "manage.py").symlink_to(ROOT / "manage.py")
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    for line in _make_run_set_up():
        result = _run(line, tmp_path, env)
        assert result.returncode == 0, line + "\n" + result.stderr
    lines = [
        line
        for line in _sh_lines((ROOT / "README.md").read_text())
        if _subcommand(line) in SAFE
        or (_subcommand(line) == "import_roadmap" and "--dry-run" in shlex.split(line))
    ]

    results = {line: _run(line, tmp_path, env) for line in lines}

    failures = {line: r.stderr for line, r in results.items() if r.returncode != 0}
    assert failures == {}
    assert [_subcommand(line) for line in lines] == [
        "axes_reset",
        "export_roadmap",
        "import_roadmap",
        "loaddata",
        "check",
    ]
    exported = (tmp_path / "mobility.csv").read_text()
    assert exported.startswith("sector,target,target_title,theme,target_year,code,")
    dry_run = next(r.stdout for line, r in results.items() if "--dry-run" in line)
    assert dry_run.strip().splitlines()[-1].startswith("Dry run, nothing written.")
    check = next(r.stdout for line, r in results.items() if _subcommand(line) == "check")
    assert check.strip() == "System check identified no issues (0 silenced)."

"""deploy/Dockerfile, which cannot be built on this machine (no container engine): its syntax, that its
COPY sources exist in the build context, that the programs its RUN lines call exist in the base image,
and that ENTRYPOINT + CMD is a `claimcheck` command the real CLI parser accepts."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import tomllib
from dataclasses import dataclass

from checks.project import PROJECT_ENV
from tests.commands import ROOT, console_scripts, parse_claimcheck

DOCKERFILE = ROOT / "deploy" / "Dockerfile"
KEYWORDS = {
    "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
    "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
}  # fmt: skip
# The base image is python:3.11-slim-bookworm: Debian 12, as this machine, plus Python and pip in
# /usr/local/bin. A program is taken to exist there when Debian 12 has it in the system directories.
SYSTEM_DIRS = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
PYTHON_IMAGE_PROGRAMS = {"pip", "python", "python3"}
OPERATORS = re.compile(r"&&|\|\||;|\|")


@dataclass(frozen=True)
class Instruction:
    keyword: str
    value: str
    line: int


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions with continuation lines joined; comments and blank lines dropped (as BuildKit does,
    also between continuation lines)."""
    found: list[Instruction] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not pending:
            start = number
        pending += (
            " " + stripped.removesuffix("\\").strip() if pending else stripped.removesuffix("\\").strip()
        )
        if not stripped.endswith("\\"):
            keyword, _, value = pending.partition(" ")
            found.append(Instruction(keyword.upper(), value.strip(), start))
            pending = ""
    assert not pending, f"line {start}: a continuation runs past the end of the file"
    return found


def _instructions() -> list[Instruction]:
    return parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))


def _exec_form(instruction: Instruction) -> list[str]:
    value = json.loads(instruction.value)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), instruction
    return value


def _last(keyword: str) -> Instruction:
    return [i for i in _instructions() if i.keyword == keyword][-1]


def entrypoint() -> list[str]:
    """The image's ENTRYPOINT (exec form)."""
    return _exec_form(_last("ENTRYPOINT"))


def dockerfile_user() -> str:
    """The final stage's USER."""
    return _last("USER").value


def _programs(script: str) -> list[str]:
    programs = []
    for command in OPERATORS.split(script):
        words = shlex.split(command)
        while words and "=" in words[0] and not words[0].startswith("-"):
            words = words[1:]  # VAR=value before a command
        if words:
            programs.append(words[0])
    return programs


def test_every_instruction_is_a_dockerfile_keyword_and_from_comes_first() -> None:
    instructions = _instructions()
    assert {i.keyword for i in instructions} <= KEYWORDS
    first = next(i for i in instructions if i.keyword != "ARG")
    assert first.keyword == "FROM"
    assert "NOT BUILT HERE" in DOCKERFILE.read_text(encoding="utf-8")


def test_every_stage_and_build_argument_it_uses_is_defined() -> None:
    stages: set[str] = set()
    args = {i.value.split("=")[0] for i in _instructions() if i.keyword == "ARG" and "=" in i.value}
    for instruction in _instructions():
        if instruction.keyword == "FROM":
            image, *alias = instruction.value.split(" AS ")
            for used in re.findall(r"\$\{(\w+)\}", image):
                assert used in args, instruction
            stages.update(a.strip() for a in alias)
        source = re.match(r"--from=(\S+)", instruction.value)
        if instruction.keyword == "COPY" and source:
            assert source[1] in stages, instruction


def test_every_copy_source_exists_in_the_build_context() -> None:
    for instruction in _instructions():
        if instruction.keyword != "COPY" or instruction.value.startswith("--from"):
            continue
        *sources, _ = shlex.split(instruction.value)
        for source in sources:
            assert list(ROOT.glob(source.rstrip("/"))), (
                f"line {instruction.line}: {source} not in the context"
            )


def test_the_image_holds_every_package_the_wheel_ships() -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        packages = tomllib.load(handle)["tool"]["setuptools"]["packages"]["find"]["include"]
    copied = {i.value.split()[0].rstrip("/") for i in _instructions() if i.keyword == "COPY"}
    assert {p.rstrip("*") for p in packages} <= copied


def test_run_lines_are_valid_shell_calling_programs_the_base_image_has() -> None:
    runs = [i for i in _instructions() if i.keyword == "RUN"]
    assert runs
    for run in runs:
        checked = subprocess.run(["sh", "-n", "-c", run.value], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, f"line {run.line}: {checked.stderr}"
        for program in _programs(run.value):
            found = program in PYTHON_IMAGE_PROGRAMS or shutil.which(program, path=SYSTEM_DIRS)
            assert found, f"line {run.line}: {program} is not in the base image"


def test_the_wheel_it_installs_is_claimcheck() -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        name = tomllib.load(handle)["project"]["name"]
    install = next(i for i in _instructions() if i.keyword == "RUN" and "pip install" in i.value)
    assert f"/wheels/{name}-*.whl" in install.value


def test_entrypoint_and_cmd_are_a_command_the_cli_accepts() -> None:
    program, *rest = entrypoint()
    assert program in console_scripts()
    args = parse_claimcheck([*rest, *_exec_form(_last("CMD"))])
    assert (args.command, args.target) == ("run", "none")


def test_it_runs_as_a_non_root_user_in_the_project_directory() -> None:
    uid, _, gid = dockerfile_user().partition(":")
    assert int(uid) > 0 and int(gid or uid) > 0
    env = _last("ENV").value
    assert f"{PROJECT_ENV}=/project" in env.split()
    assert _last("WORKDIR").value == "/project"


def test_the_parser_joins_continuations_and_skips_comments() -> None:
    text = '# c\nFROM a AS b\nRUN one \\\n  # inside\n  && two\nCMD ["x"]\n'
    assert parse_dockerfile(text) == [
        Instruction("FROM", "a AS b", 2),
        Instruction("RUN", "one && two", 3),
        Instruction("CMD", '["x"]', 6),
    ]
    assert _programs("A=1 pip install x && rm -rf y | tee z") == ["pip", "rm", "tee"]

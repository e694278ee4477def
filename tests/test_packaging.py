"""The declared dependency floors are the versions the suite is tested on (constraints.txt)."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).parents[1]


def _pins() -> dict[str, Version]:
    lines = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    pins = [line.split("==") for line in lines if "==" in line and not line.startswith("#")]
    return {canonicalize_name(name): Version(version) for name, version in pins}


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = [r for group in project["optional-dependencies"].values() for r in group]
    return [Requirement(r) for r in [*project["dependencies"], *extras]]


def test_every_floor_is_the_tested_minor_version():
    pins = _pins()
    for requirement in _requirements():
        pinned = pins[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(pinned), (requirement, pinned)
        floors = [Version(s.version) for s in requirement.specifier if s.operator == ">="]
        assert floors, f"{requirement} has no floor"
        assert (*floors[0].release, 0)[:2] == pinned.release[:2], f"{requirement}: tested on {pinned}"

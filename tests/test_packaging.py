"""pyproject.toml lists every package of the wheel by hand (setuptools cannot find the
migration scripts, which live outside newswatch/): this keeps the list whole."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _setuptools() -> dict[str, Any]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools: dict[str, Any] = pyproject["tool"]["setuptools"]
    return setuptools


def test_every_directory_of_the_package_is_listed_for_the_wheel() -> None:
    directories = {
        ".".join(path.relative_to(ROOT).parts)
        for path in [ROOT / "newswatch", *(ROOT / "newswatch").rglob("*")]
        if path.is_dir() and path.name != "__pycache__"
    }
    migrations = {
        "newswatch._migrations." + ".".join(path.relative_to(ROOT / "migrations").parts)
        for path in (ROOT / "migrations").rglob("*")
        if path.is_dir() and path.name != "__pycache__"
    }
    assert set(_setuptools()["packages"]) == directories | migrations


def test_data_directories_ship_their_files() -> None:
    package_data = _setuptools()["package-data"]
    for package in _setuptools()["packages"]:
        directory = ROOT / Path(*package.split("."))
        if directory.is_dir() and not any(directory.glob("*.py")):
            assert package_data.get(package) == ["*"], package

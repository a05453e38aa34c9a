"""Every module's RETURN documents each value fully: description, returned and type everywhere, a
sample for each leaf, and for each dict or list either the keys it contains or a sample."""

import ast
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
MODULES = sorted((ROOT / "plugins" / "modules").glob("*.py"))
REQUIRED = ("description", "returned", "type")
CONTAINERS = ("dict", "list", "complex")


def return_doc(path):
    """The module's RETURN, parsed as YAML, read without importing the module."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "RETURN" for t in node.targets):
            return yaml.safe_load(node.value.value)
    raise AssertionError("%s has no RETURN" % path.name)


def problems(values, prefix=""):
    """What is missing, as 'path: what', for a RETURN mapping (or a value's C(contains))."""
    found = []
    for key, value in values.items():
        path = prefix + str(key)
        if not isinstance(value, dict):
            found.append("%s: not a mapping" % path)
            continue
        found.extend("%s: no %s" % (path, field) for field in REQUIRED if field not in value)
        if "contains" in value:
            found.extend(problems(value["contains"] or {}, path + "."))
        elif "sample" not in value:
            kind = "dict/list without contains" if value.get("type") in CONTAINERS else "leaf"
            found.append("%s: %s and no sample" % (path, kind))
    return found


def test_every_module_is_checked():
    assert len(MODULES) > 20


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_return_values_are_documented(path):
    doc = return_doc(path)
    assert doc, "%s: RETURN is empty" % path.name
    assert problems(doc) == []


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"a": {"description": "x", "returned": "always", "type": "str", "sample": "y"}}, []),
        ({"a": {"description": "x", "returned": "always", "type": "str"}}, ["a: leaf and no sample"]),
        ({"a": {"description": "x", "type": "int", "sample": 1}}, ["a: no returned"]),
        (
            {"a": {"description": "x", "returned": "always", "type": "list", "elements": "dict"}},
            ["a: dict/list without contains and no sample"],
        ),
        (
            {
                "a": {
                    "description": "x",
                    "returned": "always",
                    "type": "dict",
                    "contains": {"b": {"description": "y", "returned": "always", "type": "str"}},
                }
            },
            ["a.b: leaf and no sample"],
        ),
        ({"a": {"returned": "always", "type": "dict", "sample": {}}}, ["a: no description"]),
    ],
)
def test_problems_finds_what_is_missing(doc, expected):
    assert problems(doc) == expected

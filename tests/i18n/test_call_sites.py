"""Every call that names a message key in the source gives the fields its templates need.

The source is read as a syntax tree: calls of ``msg``/``message``, of the error and warning
classes of ``errors.py`` and of the stages' key helpers, whose key is a string literal. A call
that passes ``**fields`` is checked at run time instead (the suite runs with strict messages).
"""

import ast
import inspect
from pathlib import Path

import pytest

import customer_value
from customer_value import errors
from customer_value.i18n import catalog, placeholders

SOURCE = Path(customer_value.__file__).parent
#: Calls whose first argument is a message key: (function name, file suffix or "") → key prefix.
KEY_HELPERS = {
    ("msg", ""): "",
    ("message", ""): "",
    ("_note", "runs/stages/models.py"): "models.run.",
    ("_reason", "scoring/churn.py"): "churn.reason_",
    ("_note", "scoring/churn.py"): "churn.note_",
}
CLASSES = {
    name: cls
    for name, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, (errors.CVAError, errors.CVAWarning))
}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _prefix(name: str, path: Path) -> str | None:
    for (helper, suffix), prefix in KEY_HELPERS.items():
        if helper == name and str(path).endswith(suffix):
            return prefix
    return None


def _key_and_fields(call: ast.Call, path: Path) -> tuple[str, set[str]] | None:
    """The message key of a call and the field names it passes (None: not checkable here)."""
    name = _name(call.func)
    if name is None or any(k.arg is None for k in call.keywords):
        return None
    fields = {k.arg for k in call.keywords}
    literal = call.args[0].value if call.args and isinstance(call.args[0], ast.Constant) else None
    prefix = _prefix(name, path)
    if prefix is not None:
        if not isinstance(literal, str):
            return None
        return prefix + literal, fields
    if name in CLASSES:
        if isinstance(literal, str):
            return literal, fields
        if call.args:
            return None
        return getattr(CLASSES[name], "key", None), fields
    return None


def _calls() -> list[tuple[str, str, set[str]]]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (result := _key_and_fields(node, path)) and result[0]:
                key, fields = result
                found.append((f"{path.relative_to(SOURCE)}:{node.lineno}", key, fields))
    return found


CALLS = _calls()


def test_the_scan_finds_the_call_sites():
    assert len(CALLS) > 200
    assert any(key == "models.run.choice_configured" for _, key, _ in CALLS)
    assert any(key == "churn.reason_short_history" for _, key, _ in CALLS)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_literal_key_exists_and_gets_its_fields(lang):
    messages = catalog(lang)
    unknown = [(where, key) for where, key, _ in CALLS if key not in messages]
    missing = [
        (where, key, sorted(placeholders(messages[key]) - fields))
        for where, key, fields in CALLS
        if key in messages and placeholders(messages[key]) - fields
    ]
    assert unknown == []
    assert missing == []

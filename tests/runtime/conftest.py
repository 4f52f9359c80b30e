"""Load the Lambda handlers the way Lambda does: as top-level modules next to their bundle.

The handlers are not part of the edastack package; each test gets a freshly executed module, so
module-level state (cached clients, producers) never leaks between tests.
"""

import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

# The mutation tests point this at a mutated copy of the runtime (test_mutants.py).
RUNTIME = Path(
    os.environ.get("EDASTACK_RUNTIME_ROOT")
    or Path(__file__).resolve().parents[2] / "constructs" / "runtime"
)
_BUNDLED_MODULES = tuple(path.stem for path in RUNTIME.glob("*/*.py") if path.name != "handler.py")


def pytest_configure(config: pytest.Config) -> None:
    # kafka-python reads its protocol schemas with importlib.resources.read_text, deprecated on
    # Python 3.11 and 3.12 and un-deprecated in 3.13, which the Lambda functions run on.
    config.addinivalue_line(
        "filterwarnings", r"ignore:(read|open)_text is deprecated:DeprecationWarning"
    )


@pytest.fixture
def load_handler(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], ModuleType]:
    # In a bundle the shared modules sit next to handler.py; here, on sys.path.
    monkeypatch.syspath_prepend(str(RUNTIME / "shared"))

    def load(name: str) -> ModuleType:
        # A handler's own modules sit next to it; each load imports them afresh.
        monkeypatch.syspath_prepend(str(RUNTIME / name))
        for module in _BUNDLED_MODULES:
            monkeypatch.delitem(sys.modules, module, raising=False)
        module_name = f"edastack_runtime_{name}"
        spec = importlib.util.spec_from_file_location(module_name, RUNTIME / name / "handler.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        # dataclasses resolve string annotations through sys.modules
        monkeypatch.setitem(sys.modules, module_name, module)
        spec.loader.exec_module(module)
        return module

    return load

import os
from datetime import UTC, datetime
from pathlib import Path

from edastack.blueprints import checks_eventbridge_v2

# CDK's built-in CloudFormation validator costs seconds per synth; the gate tests turn it on.
os.environ.setdefault("CDK_VALIDATION", "false")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

# checkov lives in a venv of its own (`make .venv-checkov/.installed`); the gates find it here.
_CHECKOV = Path(__file__).resolve().parents[1] / ".venv-checkov" / "bin" / "checkov"
if _CHECKOV.is_file():
    os.environ.setdefault("EDASTACK_CHECKOV", str(_CHECKOV))

# validate compares a v2 rule's start time with now (checks_eventbridge_v2.clock): the suite's
# blueprints, written in December 2026, are judged at one fixed time, not the day they run.
checks_eventbridge_v2.clock = lambda: datetime(2026, 12, 6, tzinfo=UTC)

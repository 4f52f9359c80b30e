import os
from pathlib import Path

# CDK's built-in CloudFormation validator costs seconds per synth; the gate tests turn it on.
os.environ.setdefault("CDK_VALIDATION", "false")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

# checkov lives in a venv of its own (`make .venv-checkov/.installed`); the gates find it here.
_CHECKOV = Path(__file__).resolve().parents[1] / ".venv-checkov" / "bin" / "checkov"
if _CHECKOV.is_file():
    os.environ.setdefault("EDASTACK_CHECKOV", str(_CHECKOV))

"""The CDK app: ``npx cdk synth -c blueprint=blueprints/examples/commerce.yaml [-c env=dev]``.

Without ``-c env`` every environment the blueprint declares is synthesized. A blueprint with
errors prints them (``file:line:col: $.path: message``) and exits 1, before CDK runs.
"""

import os
import sys

# jsii warns on every start that Node 20 is end-of-life; the machines here ship Node 20.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App

from edastack.blueprints.validate import BlueprintError
from edastack.stacks.app import FEATURE_FLAGS, build_app


def main() -> None:
    # edastack's feature flags; the CLI's context (-c, cdk.json) takes precedence over them
    app = App(context=FEATURE_FLAGS)
    path = app.node.try_get_context("blueprint")
    if not path:
        sys.exit("app.py: say which blueprint: cdk synth -c blueprint=PATH [-c env=NAME]")
    env = app.node.try_get_context("env")
    try:
        build_app(
            str(path),
            None if not env else str(env).split(","),
            app=app,
            on_warning=lambda finding: print(finding.format(), file=sys.stderr),
        )
    except BlueprintError as exc:
        for finding in exc.findings:
            print(finding.format(), file=sys.stderr)
        sys.exit(1)
    except Exception as exc:  # a blueprint validate accepted but a construct refused: our bug
        sys.exit(
            f"edastack: internal error: {type(exc).__name__}: {exc} (this is a bug in edastack; "
            "please report it with the blueprint that caused it)"
        )
    app.synth()


if __name__ == "__main__":
    main()

"""What several CLI tests share."""

from __future__ import annotations

# A blueprint with three errors: a dangling bus (did you mean), a retry out of range, a
# dangling queue; neither `edastack synth` nor `cdk synth` may write a template of it.
BROKEN = """\
blueprint: broken
eventbridge:
  buses:
    main: {}
  rules:
    r:
      bus: mian
      pattern: {source: [a]}
      retry: {attempts: 200}
      targets:
        q: {sqs: inbox}
"""

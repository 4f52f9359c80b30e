import os

# CDK's built-in CloudFormation validator costs seconds per synth; the gate tests turn it on.
os.environ.setdefault("CDK_VALIDATION", "false")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

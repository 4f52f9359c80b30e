import os

# CDK's built-in CloudFormation validator costs seconds per synth; the gate tests turn it on.
os.environ.setdefault("CDK_VALIDATION", "false")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

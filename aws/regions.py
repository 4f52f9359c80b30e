"""Where AWS's resource types are, as far as the tools edastack gates with know.

AWS publishes no Region list for the EventBridge Custom Event Bus (eventsv2 facts §7: "Regions
not found"); the provider schemas of cfn-lint 1.58.0 (``cfnlint/data/schemas/providers/
<region>.json``, read 2026-12) are the best source there is: a template with AWS::EventsV2 in
another Region fails cfn-lint (E3006). CDK's own validator (@aws/cloudformation-validate
1.12.1 in aws-cdk-lib 2.275.0) has older data: it lacks the types in us-east-2 (F3006).
"""

from __future__ import annotations

# The Regions whose cfn-lint 1.58.0 provider schema has AWS::EventsV2::EventBus, Subscriber,
# EventSource and ResourcePolicy.
EVENTSV2_REGIONS = frozenset(
    {
        "ap-east-1",
        "ap-northeast-1",
        "ap-south-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-5",
        "ap-southeast-7",
        "eu-central-1",
        "eu-isoe-west-1",
        "eu-north-1",
        "eu-south-2",
        "eu-west-1",
        "eusc-de-east-1",
        "us-east-1",
        "us-east-2",
        "us-iso-east-1",
        "us-iso-west-1",
        "us-isob-east-1",
        "us-isob-west-1",
        "us-isof-east-1",
        "us-isof-south-1",
        "us-west-2",
    }
)
# Those of them where CDK's validator (aws-cdk-lib 2.275.0) does not know AWS::EventsV2 yet.
EVENTSV2_CDK_VALIDATOR_LAGS = frozenset({"us-east-2"})

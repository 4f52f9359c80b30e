"""The create-only properties ``--baseline`` does not compare, and why no blueprint key can
change them on their own: the excuses ``test_replacement_schema`` accepts for a create-only
property of an emitted type that ``edastack.blueprints.replacement_inventory`` does not derive.
"""

from __future__ import annotations

from collections.abc import Mapping

_NEVER_SET = "edastack never sets it"
_GENERATED = (
    "edastack sets no name: CloudFormation generates one from the logical id, which follows the "
    "entity's name (a rename is a new resource, compared as such)"
)
_CONSTANT = "edastack always sets the same value"
_FOLLOWS_SUBNET = "one per subnet, in its VPC: replaced with them, holds no data"
_FOLLOWS_GROUP = "rules of a compared security group: replaced with it, hold no data"
_FOLLOWS_CLUSTER = "follows the cluster (its ARN or physical name): replaced with it"
_FOLLOWS_NAMES = (
    "follows the blueprint and environment names (a rename is compared as such), holds no data"
)
_ROLE = "the entity's own role or log group, generated names: follows the entity"
_GLUE_VERSION = (
    "a published version of a contract topic's contract: validate --baseline refuses to "
    "rewrite it (contract-evolution)"
)

# Short names are under /properties/.
_EXCUSED: Mapping[str, Mapping[str, str]] = {
    "AWS::ApplicationAutoScaling::ScalableTarget": {
        "/properties/ResourceId": _FOLLOWS_CLUSTER,
        "/properties/ScalableDimension": _CONSTANT,
        "/properties/ServiceNamespace": _CONSTANT,
    },
    "AWS::ApplicationAutoScaling::ScalingPolicy": {
        "/properties/PolicyName": _GENERATED,
        "/properties/ResourceId": _FOLLOWS_CLUSTER,
        "/properties/ScalableDimension": _CONSTANT,
        "/properties/ScalingTargetId": _FOLLOWS_CLUSTER,
        "/properties/ServiceNamespace": _CONSTANT,
    },
    "AWS::CloudWatch::Alarm": {"/properties/AlarmName": _GENERATED},
    "AWS::CloudWatch::Dashboard": {"/properties/DashboardName": _FOLLOWS_NAMES},
    "AWS::EC2::FlowLog": {
        p: "the VPC's flow log: follows the VPC (ResourceId) and its log group, holds no data"
        for p in (
            "DeliverCrossAccountRole",
            "DeliverLogsPermissionArn",
            "DestinationOptions",
            "LogDestination",
            "LogDestinationType",
            "LogFormat",
            "LogGroupName",
            "MaxAggregationInterval",
            "ResourceId",
            "ResourceType",
            "TagFieldSpecifications",
            "TrafficType",
        )
    },
    "AWS::EC2::RouteTable": {"/properties/VpcId": _FOLLOWS_SUBNET},
    "AWS::EC2::SecurityGroup": {"/properties/GroupName": _NEVER_SET},
    "AWS::EC2::SecurityGroupEgress": {
        p: _FOLLOWS_GROUP
        for p in (
            "CidrIp",
            "CidrIpv6",
            "DestinationPrefixListId",
            "DestinationSecurityGroupId",
            "FromPort",
            "GroupId",
            "IpProtocol",
            "ToPort",
        )
    },
    "AWS::EC2::SecurityGroupIngress": {
        p: _FOLLOWS_GROUP
        for p in (
            "CidrIp",
            "CidrIpv6",
            "FromPort",
            "GroupId",
            "GroupName",
            "IpProtocol",
            "SourcePrefixListId",
            "SourceSecurityGroupId",
            "SourceSecurityGroupName",
            "SourceSecurityGroupOwnerId",
            "ToPort",
        )
    },
    "AWS::EC2::Subnet": {
        p: _NEVER_SET
        for p in (
            "AvailabilityZoneId",
            "Ipv4IpamPoolId",
            "Ipv4NetmaskLength",
            "Ipv6IpamPoolId",
            "Ipv6Native",
            "Ipv6NetmaskLength",
            "OutpostArn",
        )
    },
    "AWS::EC2::SubnetRouteTableAssociation": {
        "/properties/RouteTableId": _FOLLOWS_SUBNET,
        "/properties/SubnetId": _FOLLOWS_SUBNET,
    },
    "AWS::EC2::VPC": {
        p: _NEVER_SET for p in ("Ipv4IpamPoolId", "Ipv4NetmaskLength", "VpcEncryptionControl")
    },
    "AWS::EC2::VPCEndpoint": {
        p: _NEVER_SET
        for p in (
            "DnsOptions/PrivateDnsPreference",
            "DnsOptions/PrivateDnsSpecifiedDomains",
            "ResourceConfigurationArn",
            "ServiceNetworkArn",
            "ServiceRegion",
        )
    },
    "AWS::Events::ApiDestination": {"/properties/Name": _GENERATED},
    "AWS::Events::Archive": {"/properties/ArchiveName": _GENERATED},
    "AWS::Events::Connection": {"/properties/Name": _GENERATED},
    "AWS::Events::EventBusPolicy": {
        "/properties/EventBusName": "follows the bus's name, compared there; holds no data",
        "/properties/StatementId": _CONSTANT,
    },
    "AWS::Events::Rule": {"/properties/Name": _GENERATED},
    # A contract topic's registry, retained: a changed version is contract_evolution's finding.
    "AWS::Glue::Registry": {"/properties/Name": _FOLLOWS_NAMES},
    "AWS::Glue::Schema": {
        "DataFormat": _CONSTANT,
        "Name": "the contract's name: a renamed contract is a new one, the old schema retained",
        "Registry": "the registry's name follows the blueprint and environment names",
        "SchemaDefinition": _GLUE_VERSION,
    },
    "AWS::Glue::SchemaVersion": {
        "Schema": "follows its contract's schema",
        "SchemaDefinition": _GLUE_VERSION,
    },
    "AWS::IAM::Role": {"/properties/Path": _NEVER_SET, "/properties/RoleName": _GENERATED},
    "AWS::KMS::Alias": {"/properties/AliasName": _FOLLOWS_NAMES},
    "AWS::KafkaConnect::Connector": {
        "/properties/ConnectorDescription": _NEVER_SET,
        "/properties/KafkaClusterClientAuthentication": "IAM, always: " + _CONSTANT,
        "/properties/KafkaClusterEncryptionInTransit": "TLS, always: " + _CONSTANT,
        "/properties/KafkaConnectVersion": _CONSTANT,
        "/properties/LogDelivery": _ROLE,
        "/properties/NetworkType": _NEVER_SET,
        "/properties/ServiceExecutionRoleArn": _ROLE,
    },
    "AWS::KafkaConnect::CustomPlugin": {
        "/properties/ContentType": _CONSTANT,
        "/properties/Description": _CONSTANT,
    },
    "AWS::KafkaConnect::WorkerConfiguration": {
        "/properties/Description": _NEVER_SET,
        "/properties/PropertiesFileContent": _CONSTANT,
    },
    "AWS::Lambda::EventInvokeConfig": {
        "/properties/FunctionName": "follows its function, holds no data",
        "/properties/Qualifier": _CONSTANT,
    },
    "AWS::Lambda::EventSourceMapping": {"/properties/StartingPositionTimestamp": _NEVER_SET},
    "AWS::Lambda::Function": {
        "/properties/FunctionName": _GENERATED,
        "/properties/PackageType": _CONSTANT,
        "/properties/TenancyConfig": _NEVER_SET,
    },
    "AWS::Lambda::Permission": {
        p: "one per function and bus of a rules stack: follows the rules' targets, holds no data"
        for p in (
            "Action",
            "EventSourceToken",
            "FunctionName",
            "FunctionUrlAuthType",
            "InvokedViaFunctionUrl",
            "Principal",
            "PrincipalOrgID",
            "SourceAccount",
            "SourceArn",
        )
    },
    "AWS::Logs::LogGroup": {"/properties/LogGroupName": _GENERATED},
    "AWS::MSK::Cluster": {
        "/properties/BrokerNodeGroupInfo/BrokerAZDistribution": _NEVER_SET,
        "/properties/EncryptionInfo/EncryptionInTransit/InCluster": "TLS, always: " + _CONSTANT,
    },
    "AWS::MSK::Configuration": {
        "/properties/KafkaVersionsList": _NEVER_SET,
        "/properties/Name": _FOLLOWS_CLUSTER,
    },
    "AWS::Pipes::Pipe": {
        "/properties/Name": _GENERATED,
        **{
            f"/properties/SourceParameters/{p}": (
                "edastack's pipes read an MSK cluster by its ARN: " + _NEVER_SET
            )
            for p in (
                "ActiveMQBrokerParameters/QueueName",
                "DynamoDBStreamParameters/StartingPosition",
                "KinesisStreamParameters/StartingPosition",
                "KinesisStreamParameters/StartingPositionTimestamp",
                "RabbitMQBrokerParameters/QueueName",
                "RabbitMQBrokerParameters/VirtualHost",
                "SelfManagedKafkaParameters/AdditionalBootstrapServers",
                "SelfManagedKafkaParameters/ConsumerGroupID",
                "SelfManagedKafkaParameters/StartingPosition",
                "SelfManagedKafkaParameters/TopicName",
            )
        },
    },
    "AWS::RAM::ResourceShare": {
        "/properties/ResourceShareConfiguration/RetainSharingOnAccountLeaveOrganization": (
            _NEVER_SET
        )
    },
    "AWS::S3::Bucket": {
        p: _GENERATED for p in ("BucketName", "BucketNamePrefix", "BucketNamespace")
    },
    "AWS::S3::BucketPolicy": {"/properties/Bucket": "follows its bucket, compared there"},
    "AWS::SNS::Subscription": {
        p: "an alarm e-mail's subscription, its id the address: holds no data"
        for p in ("Endpoint", "Protocol", "TopicArn")
    },
    "AWS::SNS::Topic": {"/properties/FifoTopic": _NEVER_SET},
    "AWS::SSM::Parameter": {"/properties/Name": _FOLLOWS_CLUSTER},
    "Custom::AWS": {},
}

# ... with every property as the schemas write it (short names above are under /properties/)
NOT_COMPARED: Mapping[str, Mapping[str, str]] = {
    t: {p if p.startswith("/properties/") else f"/properties/{p}": r for p, r in props.items()}
    for t, props in _EXCUSED.items()
}

"""AWS quotas and fixed behaviours edastack relies on, each with where it comes from.

Pure data: importable without ``aws_cdk`` so the blueprint language (``edastack validate``)
and the constructs share one set of numbers. Re-check a figure against its source before
building a feature on it (collected 2026-11).
"""

# --- EventBridge -------------------------------------------------------------------------
# Targets per rule, hard quota (EventBridge quotas page: "Targets per rule: 5").
RULE_TARGETS_MAX = 5
# Rules per event bus, default quota (EventBridge quotas page, adjustable).
RULES_PER_BUS_MAX = 300
# Target retry policy bounds (AWS::Events::Rule RetryPolicy; eb-rule-retry-policy).
RETRY_ATTEMPTS_MIN = 0
RETRY_ATTEMPTS_MAX = 185
RETRY_MAX_AGE_MIN_S = 60
RETRY_MAX_AGE_MAX_S = 86_400
# Input transformer variables (EventBridge quotas page).
INPUT_TRANSFORMER_VARIABLES_MAX = 100
# PutEvents entry size: 1 MB since 2026-01-29 (was 256 KB); billed per 64 KB chunk.
PUT_EVENTS_ENTRY_MAX_BYTES = 1_048_576
PUT_EVENTS_ENTRIES_MAX = 10
# PutEvents entries (and Pipes' bus target parameters): DetailType 1-128 characters, Source
# 1-256 and never in the reserved "aws." namespace (EventBridge API, PutEventsRequestEntry).
EVENT_DETAIL_TYPE_MAX_CHARS = 128
EVENT_SOURCE_MAX_CHARS = 256
# TestEventPattern limits a pattern to 4,096 characters (EventBridge API reference).
EVENT_PATTERN_MAX_CHARS = 4_096

# --- EventBridge Custom Event Bus (v2, AWS::EventsV2; eventsv2 facts of 2026-12) ---------
# Retention 1-365 days (AWS::EventsV2::EventBus StorageConfiguration.RetentionPeriodInDays).
EVENTSV2_RETENTION_DAYS = (1, 365)
# Quotas page, "[EventsV2]": 5 buses per account and Region, 10,000 subscribers per bus
# (both adjustable).
EVENTSV2_BUSES_MAX = 5
EVENTSV2_SUBSCRIBERS_PER_BUS_MAX = 10_000
# Subscriber filters: 4,096 bytes in all, at most 1,000 $or combinations (user guide,
# "Filtering"); a pattern becomes one DATA filter.
EVENTSV2_FILTER_MAX_BYTES = 4_096
EVENTSV2_FILTER_COMBINATIONS_MAX = 1_000
# Subscriber RetryPolicy: MaxRetryAttempts 0-185, MaxEventAgeInSeconds 60-86,400, the classic
# bounds (AWS::EventsV2::Subscriber RetryPolicy); AWS's defaults are 5 and 300 s.
# BatchConfiguration: window 0-300 s; largest batch by target kind (user guide, "Batching").
EVENTSV2_BATCH_WINDOW_MAX_S = 300
EVENTSV2_BATCH_MAX = {
    "lambda": 100,
    "stepfunctions": 100,
    "sqs": 10,
    "sns": 10,
    "kinesis": 500,
    "bus": 10,  # a classic bus target
}
EVENTSV2_V2_BUS_BATCH_MAX = 100  # an EventsV2 bus target ("100 Lambda/SFN/EventsV2 bus")
# SystemMetadata EventGroupId and DeduplicationId: 1-128 characters (API reference,
# PutEventsSystemMetadata).
EVENTSV2_GROUP_ID_MAX_CHARS = 128
# Subscriber and bus names: 1-256 of this pattern (AWS::EventsV2::Subscriber Name).
EVENTSV2_NAME_PATTERN = r"^[A-Za-z0-9][.\-_A-Za-z0-9]*$"
EVENTSV2_NAME_MAX = 256
# A v2 bus's ARN ends in its name and the 25-character id AWS generated (the EventBusArn
# pattern of AWS::EventsV2::Subscriber in cfn-lint 1.58.0's schema; facts §1).
EVENTSV2_BUS_ARN_PATTERN = (
    r"^arn:aws(-[a-z0-9]+)*:events:[a-z][a-z0-9]*(-[a-z0-9]+)*:([0-9]{12}):"
    r"event-busv2\/[A-Za-z0-9][\.\-_A-Za-z0-9]{0,255}\/[a-z0-9]{25}$"
)

# --- SQS ---------------------------------------------------------------------------------
# Message retention maximum: 14 days (SQS quotas).
SQS_RETENTION_MAX_S = 1_209_600
SQS_RETENTION_MIN_S = 60
# Visibility timeout at most 12 hours (SQS quotas).
SQS_VISIBILITY_TIMEOUT_MAX_S = 43_200
# Redrive policy maxReceiveCount: 1-1,000 (SQS developer guide, "Dead-letter queues").
SQS_MAX_RECEIVES_MAX = 1_000

# --- MSK ---------------------------------------------------------------------------------
# Durability floor edastack holds topics to: 3 replicas, a write acknowledged by 2 of them
# (MSK best practices, "Build highly available clusters").
REPLICATION_FACTOR_MIN = 3
MIN_INSYNC_REPLICAS_MIN = 2
# Express brokers: m7g only, 3 AZs, replication factor fixed at 3, min.insync.replicas 2
# (MSK developer guide, "Express brokers").
EXPRESS_REPLICATION_FACTOR = 3
EXPRESS_MIN_INSYNC_REPLICAS = 2
# MSK Serverless: replication factor 3 and min.insync.replicas 2, not configurable
# (MSK developer guide, "MSK Serverless configuration").
SERVERLESS_REPLICATION_FACTOR = 3
SERVERLESS_MIN_INSYNC_REPLICAS = 2
# Storage autoscaling: target utilization 10-80 %, at most 16 TiB per broker
# (MSK developer guide, "Automatic scaling").
STORAGE_AUTOSCALING_TARGET_MIN = 10
STORAGE_AUTOSCALING_TARGET_MAX = 80
BROKER_STORAGE_MAX_GIB = 16_384
BROKER_STORAGE_MIN_GIB = 1
# A broker volume only grows, and an update must ask for at least 10 GiB more than the live
# size (MSK UpdateBrokerStorage; AWS facts of 2026-11, shared reference).
BROKER_STORAGE_MIN_INCREASE_GIB = 10
# AWS::MSK::Topic works on provisioned clusters running Kafka 3.6 or later.
MSK_TOPIC_MIN_KAFKA_VERSION = (3, 6)
# Kafka topic names: 1-249 of [A-Za-z0-9._-] (Kafka's Topic.validate). Consumer groups a
# bridge joins: 1-200 of [A-Za-z0-9:_+=.@-] (Lambda and Pipes allow these, plus '/' and '*',
# which an IAM group ARN cannot scope).
KAFKA_TOPIC_NAME_PATTERN = r"^[A-Za-z0-9._-]{1,249}$"
KAFKA_CONSUMER_GROUP_PATTERN = r"^[A-Za-z0-9:_+=.@-]{1,200}$"
# Client ports by authentication (MSK developer guide, "Port information").
KAFKA_PORTS = {"iam": 9098, "scram": 9096, "mtls": 9094}

# --- EventBridge Pipes -------------------------------------------------------------------
# Kafka sources: batch 1-10,000 records, batching window at most 300 s (AWS::Pipes::Pipe
# PipeSourceManagedStreamingKafkaParameters).
PIPE_BATCH_SIZE_MAX = 10_000
# Batching window of a Kafka source, pipe or Lambda event source mapping: at most 300 s.
BATCH_WINDOW_MAX_S = 300
# Kafka sources name their topic by the pattern ^[^.][A-Za-z0-9._-]{1,248}$: at least 2
# characters, not starting with '.' (AWS::Pipes::Pipe ...KafkaParameters.TopicName).
PIPE_TOPIC_NAME_PATTERN = r"^[^.][A-Za-z0-9._-]{1,248}$"
PIPE_BATCH_WINDOW_MAX_S = 300

# --- Lambda Kafka event source mappings --------------------------------------------------
# MaximumRecordAgeInSeconds of an MSK or self-managed Kafka source: 60 s to 7 days (Lambda API
# reference, CreateEventSourceMapping; its -1, "infinite", edastack does not offer): an older
# record goes to the on-failure destination instead of being retried.
LAMBDA_KAFKA_RECORD_AGE_MIN_S = 60
LAMBDA_KAFKA_RECORD_AGE_MAX_S = 604_800

# --- MSK Connect -------------------------------------------------------------------------
# Workers per connector: 1-10 (MSK Connect developer guide, "Connector capacity").
KAFKA_CONNECT_WORKERS_MAX = 10
# The EventBridge sink connector sets every event's source to "kafka-connect.<connector id>"
# (awslabs/eventbridge-kafka-connector, DefaultEventBridgeMapper); the id also names the
# connector, so it follows MSK Connect's connector-name rules.
KAFKA_CONNECT_SOURCE_PREFIX = "kafka-connect."
KAFKA_CONNECTOR_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$"

# --- CloudWatch Logs ---------------------------------------------------------------------
# Retention values a log group accepts, in days (AWS::Logs::LogGroup RetentionInDays), as far
# as aws-cdk-lib's RetentionDays offers them (it lacks 1461). Anything else is refused.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
)  # fmt: skip

# --- CloudFormation ----------------------------------------------------------------------
# CloudFormation user guide, "Understand CloudFormation quotas": per stack, 500 resources,
# 200 outputs, 200 parameters; a template body of 1 MB through S3 (the CDK CLI uploads it).
STACK_RESOURCES_MAX = 500
STACK_OUTPUTS_MAX = 200
STACK_PARAMETERS_MAX = 200
TEMPLATE_BYTES_MAX = 1_000_000
# EventBridge API reference, CreateEventBus Name: 1-256 characters.
EVENT_BUS_NAME_MAX = 256

# --- MSK client networking (added for constructs/kafka_cluster.py) -----------------------
# Provisioned clusters take 2 or 3 client subnets, one per AZ (MSK API reference,
# BrokerNodeGroupInfo.ClientSubnets); Serverless takes 2 to 5 (MSK API reference,
# VpcConfig.SubnetIds). Express brokers need 3 AZs (MSK developer guide, "Express brokers").
MSK_PROVISIONED_SUBNETS_MIN = 2
MSK_PROVISIONED_SUBNETS_MAX = 3
MSK_SERVERLESS_SUBNETS_MIN = 2
MSK_SERVERLESS_SUBNETS_MAX = 5
EXPRESS_AZ_COUNT = 3

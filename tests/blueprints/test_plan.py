"""``edastack plan``'s arithmetic, checked against values computed by hand (in the comments),
not against the code's output: storage, brokers, partitions, quotas, pollers and cost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from edastack.blueprints.plan import Plan, plan
from edastack.blueprints.validate import FileReport

Planned = Callable[..., Plan]
ENV = 'environments:\n  prod: {account: "222222222222", region: REGION}\n'

# The seed's load (10,000 events/s of 1,200 B: 12 MB/s, 1.04 TB a day) on a 3-broker cluster,
# and a tenth of it bridged to a bus whose one rule has three targets.
SEED = """\
blueprint: shop
environments:
  prod: {account: "222222222222", region: eu-west-1}
kafka:
  clusters:
    core:
      brokers: {type: kafka.m7g.large, count: 3, storage: 1000GiB, autoscale: 4000GiB}
  topics:
    orders:
      cluster: core
      partitions: 24
      retention: 7d
      load: {events_per_second: 10000, event_size: 1200B, peak_factor: 2}
    order-fulfilled:
      cluster: core
      retention: 3d
      load: {events_per_second: 1000, event_size: 1200B, peak_factor: 2}
eventbridge:
  buses:
    commerce: {acknowledge: {EDA006: replayed from the topics}}
  rules:
    fulfilment:
      pattern: {source: [shop.orders], detail-type: [OrderFulfilled]}
      targets:
        billing: {sqs: billing}
        analytics: {sqs: analytics}
        notify: {lambda: "arn:aws:lambda:eu-west-1:222222222222:function:notify"}
queues: {billing: {}, analytics: {}}
bridges:
  fulfilled-to-bus:
    from: {topic: order-fulfilled}
    to: {bus: commerce, detail_type: OrderFulfilled, source: shop.orders}
"""


@pytest.fixture
def planned(report: Callable[..., FileReport]) -> Planned:
    """``planned(text)``: the plan of the only environment of ``bp.yaml`` holding ``text``."""

    def run(text: str) -> Plan:
        result = report(text)
        assert [f.format() for f in result.errors] == []
        (bp,) = result.blueprints.values()
        return plan(bp)

    return run


def figures(p: Plan, *keys: str) -> Any:
    node: Any = p.figures
    for key in keys:
        node = node[key]
    return node


def codes_and_paths(p: Plan) -> list[tuple[str, str]]:
    return [(w.finding.code, w.finding.json_path) for w in p.warnings]


# --- the seed -------------------------------------------------------------------------------


def test_topic_storage_is_the_data_kept_across_replicas_for_the_retention(planned: Planned) -> None:
    p = planned(SEED)
    orders = figures(p, "topics", "orders")
    # 10,000 x 1,200 B = 12,000,000 B/s = 11.444 MiB/s; the peak is twice that
    assert orders["ingress_mib_per_s"] == pytest.approx(11.444, abs=0.001)
    assert orders["peak_ingress_mib_per_s"] == pytest.approx(22.888, abs=0.001)
    # 12,000,000 B/s x 604,800 s x 3 replicas = 21,772,800,000,000 B = 20,277.50 GiB
    assert orders["storage_gib"] == pytest.approx(20_277.50, abs=0.01)
    # 1,200,000 B/s x 259,200 s x 3 = 933,120,000,000 B = 869.04 GiB
    assert figures(p, "topics", "order-fulfilled", "storage_gib") == pytest.approx(869.04, abs=0.01)


def test_a_cluster_sums_its_topics_against_its_brokers(planned: Planned) -> None:
    core = figures(planned(SEED), "clusters", "core")
    assert core["storage_gib"] == pytest.approx(20_277.50 + 869.04, abs=0.02)
    assert (core["storage_capacity_gib"], core["storage_ceiling_gib"]) == (3_000, 12_000)
    # 21,146.54 / 12,000 = 176.2 %
    assert core["storage_used_percent"] == pytest.approx(176.2, abs=0.05)
    # (24,000,000 + 2,400,000) B/s at peak x 3 replicas / 3 brokers = 25.177 MiB/s
    assert core["peak_write_mib_per_s_per_broker"] == pytest.approx(25.177, abs=0.001)
    # (24 + 6) partitions x 3 replicas / 3 brokers, of the 1,000 AWS recommends for m7g.large
    assert (core["partitions_per_broker"], core["recommended_partitions_per_broker"]) == (30, 1000)
    # storage decides: 21,146.54 GiB / 4,000 GiB per broker = 5.3 -> 6, a multiple of 3 AZs
    assert core["brokers_needed"] == 6
    # the bridge reads order-fulfilled: 1,200,000 B/s = 1.144 MiB/s
    assert core["egress_mib_per_s"] == pytest.approx(1.144, abs=0.001)


def test_a_bus_counts_put_events_and_invocations_per_target(planned: Planned) -> None:
    p = planned(SEED)
    bus = figures(p, "buses", "commerce")
    assert (bus["put_events_per_s"], bus["peak_put_events_per_s"]) == (1_000, 2_000)
    # one rule with three targets: 1,000 x 3, at peak 2,000 x 3
    assert (bus["invocations_per_s"], bus["peak_invocations_per_s"]) == (3_000, 6_000)
    assert bus["rules"] == {
        "fulfilment": {"events_per_s": 1_000, "targets": 3, "invocations_per_s": 3_000}
    }
    assert figures(p, "quotas") == {
        "region": "eu-west-1",
        "put_events_per_s": 10_000,
        "put_events_exact": True,
        "invocations_per_s": 18_750,
        "as_of": "2026-12",
    }


def test_the_month_is_priced_from_brokers_storage_and_events(planned: Planned) -> None:
    cost = figures(planned(SEED), "monthly_cost_usd")
    assert cost == {
        "msk_brokers": 446.76,  # 3 x $0.204 x 730 h
        # 7,048.85 GiB per broker over the 60 % target is more than 4,000 GiB: 3 x 4,000 x $0.10
        "msk_storage": 1_200.00,
        # 1,000 events/s x 2,628,000 s = 2,628 million events (one 64 KB chunk each) x $1.00
        "eventbridge_events": 2_628.00,
        "total": 4_274.76,
    }


def test_the_seed_warns_only_about_autoscalings_ceiling(planned: Planned) -> None:
    p = planned(SEED)
    assert codes_and_paths(p) == [("capacity", "$.kafka.clusters.core.brokers.autoscale")]
    assert p.warnings[0].finding.message == (
        "at the declared load its topics keep 21,146.5 GiB across all replicas, more than "
        "autoscaling's ceiling of 3 x 4,000 GiB (12,000 GiB): at least 7,049 GiB per broker, or "
        "keep less (retention, replication)"
    )


def test_validate_shows_the_plans_warnings_unless_acknowledged(
    report: Callable[..., FileReport],
) -> None:
    assert [f.code for f in report(SEED).warnings] == ["capacity"]
    acknowledged = SEED.replace(
        "autoscale: 4000GiB}",
        "autoscale: 4000GiB}\n      acknowledge: {capacity: retention shortened in January}",
    )
    assert report(acknowledged).warnings == []


# --- warnings -------------------------------------------------------------------------------


def cluster(brokers: str, topics: str, region: str = "us-east-1") -> str:
    return (
        f"blueprint: shop\n{ENV.replace('REGION', region)}kafka:\n  clusters:\n"
        f"    core: {brokers}\n  topics:\n{topics}"
    )


def test_warns_when_declared_volumes_hold_less_than_the_topics_keep(planned: Planned) -> None:
    # 1,000 x 1,000 B x 86,400 s x 3 = 259,200,000,000 B = 241.4 GiB > 3 x 50 GiB
    text = cluster(
        "{brokers: {count: 3, storage: 50GiB}}",
        "    t: {cluster: core, retention: 1d, load: {events_per_second: 1000, event_size: 1KB}}\n",
    )
    p = planned(text)
    assert codes_and_paths(p) == [("capacity", "$.kafka.clusters.core.brokers.storage")]
    assert "keep 241.4 GiB" in p.warnings[0].finding.message
    assert "at least 81 GiB per broker" in p.warnings[0].finding.message


def test_warns_when_brokers_write_more_than_their_volumes_deliver(planned: Planned) -> None:
    # 100,000 x 3,000 B = 300 MB/s = 286.1 MiB/s; x 3 replicas / 3 brokers = 286.1 MiB/s > 250
    text = cluster(
        "{brokers: {count: 3, storage: 16000GiB}}",
        "    t:\n      cluster: core\n      retention: 1h\n"
        "      load: {events_per_second: 100000, event_size: 3000B}\n",
    )
    p = planned(text)
    assert codes_and_paths(p) == [("capacity", "$.kafka.clusters.core.brokers")]
    assert p.warnings[0].finding.message == (
        "at peak each of its 3 brokers writes 286.1 MiB/s (the producers' 286.1 MiB/s times each "
        "topic's replication), more than the 250 MiB/s a broker's volume delivers by default: "
        # 858.3 MiB/s / 250 = 3.4 -> 4 -> 6, a multiple of 3
        "6 brokers keep under it"
    )


def test_warns_about_partitions_beyond_aws_guidance_for_the_broker_type(planned: Planned) -> None:
    # 1,100 partitions x 3 replicas / 3 brokers = 1,100 > 1,000 for kafka.m7g.large
    text = cluster(
        "{brokers: {count: 3}}",
        "    t: {cluster: core, partitions: 1100, load: {events_per_second: 1, event_size: 1KB}}\n",
    )
    p = planned(text)
    assert p.warnings[0].finding.message == (
        "1,100 partition replicas per broker (3,300 over 3 brokers), above the 1,000 AWS "
        "recommends for kafka.m7g.large (over 1,500, MSK refuses configuration and version "
        "updates): 6 brokers, a larger broker type or fewer partitions"
    )


def test_warns_when_express_brokers_take_more_than_msk_allows(planned: Planned) -> None:
    # 50,000 x 1,000 B = 50 MB/s / 3 brokers = 16.7 MB/s > 15.6 for express.m7g.large
    text = cluster(
        "{type: express, brokers: {count: 3}}",
        "    t: {cluster: core, load: {events_per_second: 50000, event_size: 1KB}}\n",
    )
    p = planned(text)
    assert codes_and_paths(p) == [("capacity", "$.kafka.clusters.core.brokers")]
    message = p.warnings[0].finding.message
    assert "takes 16.7 MB/s from producers, more than the 15.6 MBps" in message
    # 50 / 15.6 = 3.2 -> 4 -> 6
    assert figures(p, "clusters", "core", "brokers_needed") == 6


def test_warns_when_a_serverless_cluster_or_partition_takes_too_much(planned: Planned) -> None:
    # 250,000 x 1,000 B = 250 MB/s > 200 per cluster; / 6 partitions = 41.7 MB/s > 5
    text = cluster(
        "{type: serverless}",
        "    t:\n      cluster: core\n      retention: 1h\n"
        "      load: {events_per_second: 250000, event_size: 1KB}\n",
    )
    p = planned(text)
    assert codes_and_paths(p) == [
        ("capacity", "$.kafka.clusters.core"),
        ("capacity", "$.kafka.topics.t.partitions"),
    ]
    assert "ingress is 250.0 MB/s, above MSK Serverless's 200 MBps" in p.warnings[0].finding.message
    # 250 MB/s / 5 MBps per partition = 50 partitions
    assert p.warnings[1].finding.message.endswith("at least 50 partitions")


def test_warns_when_bridges_read_more_from_a_serverless_partition_than_it_gives(
    planned: Planned,
) -> None:
    # 400 x 10,000 B = 4 MB/s a partition (under the 5 in); three bridges read 12 MB/s of it,
    # above the 10 MBps of egress per partition: 12 / 10 -> at least 2 partitions
    bridges = "".join(
        f"  b{i}:\n    from: {{topic: tx}}\n    to: {{bus: main, detail_type: T{i}, source: s}}\n"
        for i in range(3)
    )
    text = cluster(
        "{type: serverless}",
        "    tx:\n      cluster: core\n      partitions: 1\n      retention: 1h\n"
        "      load: {events_per_second: 400, event_size: 10KB}\n",
    ) + (
        "eventbridge:\n  buses: {main: {archive: 7d}}\n  rules:\n"
        "    r: {pattern: {source: [s]}, targets: {q: {sqs: q}}}\n"
        f"queues: {{q: {{}}}}\nbridges:\n{bridges}"
    )
    p = planned(text)
    assert codes_and_paths(p) == [("capacity", "$.kafka.topics.tx.partitions")]
    assert p.warnings[0].finding.message == (
        "at peak each of its 1 partitions gives bridges 12.0 MB/s, above MSK Serverless's 10 "
        "MBps of egress per partition: at least 2 partitions"
    )
    # one bridge reads 4 MB/s: no warning
    one = text.replace(bridges, bridges.split("  b1:")[0])
    assert codes_and_paths(planned(one)) == []


def events(bus_load: str, rule_targets: int, region: str) -> str:
    targets = "".join(f"        q{i}: {{sqs: q}}\n" for i in range(rule_targets))
    return (
        f"blueprint: shop\n{ENV.replace('REGION', region)}eventbridge:\n  buses:\n"
        f"    main: {{load: {bus_load}}}\n  rules:\n    r:\n      pattern: {{source: [a]}}\n"
        f"      targets:\n{targets}queues: {{q: {{}}}}\n"
    )


@pytest.mark.parametrize(
    ("region", "rate", "warned"),
    [
        pytest.param("eu-west-1", 10_000, False, id="at_the_quota"),
        pytest.param("eu-west-1", 10_001, True, id="over_10000_in_eu_west_1"),
        pytest.param("us-east-2", 2_401, True, id="over_2400_in_us_east_2"),
        pytest.param("ap-south-1", 2_401, True, id="over_the_bound_elsewhere"),
    ],
)
def test_warns_when_puts_exceed_the_regions_quota(
    planned: Planned, region: str, rate: int, warned: bool
) -> None:
    p = planned(events(f"{{events_per_second: {rate}, event_size: 1KB}}", 1, region))
    messages = [w.finding.message for w in p.warnings if "PutEvents" in w.finding.message]
    assert bool(messages) == warned


def test_warns_when_fan_out_exceeds_the_invocation_quota(planned: Planned) -> None:
    # an event from outside matches every rule: 2,000 x 5 targets = 10,000 > 4,500 in us-east-2
    load = "{events_per_second: 1000, event_size: 1KB, peak_factor: 2}"
    p = planned(events(load, 5, "us-east-2"))
    assert figures(p, "buses", "main", "peak_invocations_per_s") == 10_000
    (warning,) = [w for w in p.warnings if "invocation quota" in w.finding.message]
    assert warning.finding.json_path == "$.eventbridge.buses.main"
    assert "quota of 4,500/s per account in us-east-2" in warning.finding.message


# --- flows ----------------------------------------------------------------------------------

FLOW = """\
blueprint: shop
kafka:
  clusters: {core: {}}
  topics:
    orders: {cluster: core, load: {events_per_second: 300, event_size: 2KB}}
    audit: {cluster: core, load: {events_per_second: 50, event_size: 1KB}}
eventbridge:
  buses:
    main: {load: {events_per_second: 100, event_size: 1KB}}
  rules:
    mine: {pattern: {source: [shop.orders]}, targets: {a: {sqs: q}, b: {sqs: q}}}
    other: {pattern: {source: [billing]}, targets: {a: {sqs: q}}}
queues: {q: {}}
bridges:
  out:
    from: {topic: orders}
    to: {bus: main, detail_type: OrderPlaced, source: shop.orders}
  back:
    from: {bus: main, pattern: {detail-type: [OrderPlaced]}}
    to: {topic: audit}
"""


def test_fan_out_follows_what_each_rule_can_match(planned: Planned) -> None:
    p = planned(FLOW)
    bus = figures(p, "buses", "main")
    assert bus["sources"] == {"load": 100, "bridge out": 300}
    # "mine" takes the bridge's 300 and the outside 100 (unknown source): 400 x 2 targets;
    # "other" only the outside 100; the bus -> topic bridge the 300 and the 100: 400
    assert bus["rules"]["mine"]["invocations_per_s"] == 800
    assert bus["rules"]["other"]["invocations_per_s"] == 100
    assert bus["invocations_per_s"] == 800 + 100 + 400
    # audit: its own 50 of 1,000 B and 400 from the bus (300 of 2,000 B, 100 of 1,000 B)
    audit = figures(p, "topics", "audit")
    assert audit["sources"] == {"load": 50, "bridge back": 400}
    assert audit["event_size_bytes"] == pytest.approx((50_000 + 600_000 + 100_000) / 450, abs=0.01)


def test_a_loop_through_bridges_is_counted_once(planned: Planned) -> None:
    looped = FLOW.replace("to: {topic: audit}", "to: {topic: orders}")
    p = planned(looped)
    # orders: its 300 and what comes back from the bus (the outside 100; its own 300 closes the
    # loop and is not counted again)
    assert figures(p, "topics", "orders", "sources") == {"load": 300, "bridge back": 100}
    assert any("loop" in note for note in figures(p, "notes"))


def test_a_rule_with_a_bus_target_forwards_what_it_matches_to_that_bus(planned: Planned) -> None:
    text = FLOW.replace(
        "    other: {pattern: {source: [billing]}, targets: {a: {sqs: q}}}\n",
        "    other: {pattern: {source: [billing]}, targets: {a: {sqs: q}}}\n"
        "    fwd: {pattern: {source: [shop.orders]}, targets: {b: {bus: side}}}\n"
        "    side-rule: {bus: side, pattern: {source: [shop.orders]}, targets: {a: {sqs: q}}}\n",
    )
    text = (
        text.replace("  buses:\n", "  buses:\n    side: {}\n")
        .replace("{pattern: {source", "{bus: main, pattern: {source")
        .replace("from: {bus: main, pattern", "from: {bus: main, pattern")
    )
    p = planned(text)
    # fwd takes the bridge's 300 and the outside 100 (unknown source) from main; side's rule
    # matches the bridge's 300 (source shop.orders) and the outside 100 again
    side = figures(p, "buses", "side")
    assert side["sources"] == {"rule fwd": 400}
    assert side["put_events_per_s"] == 400
    assert side["rules"]["side-rule"]["invocations_per_s"] == 400
    # and back: side forwarding to main closes a loop, counted once
    looped = text.replace(
        "targets: {a: {sqs: q}}}\n" + "    fwd",
        "targets: {a: {sqs: q}}}\n    back-to-main: {bus: side, pattern: {source: [x]}, "
        "targets: {m: {bus: main}}}\n    fwd",
    )
    notes = figures(planned(looped), "notes")
    assert any("loop through bridges or rules" in n and "fwd" in n for n in notes), notes


# --- cost -----------------------------------------------------------------------------------


def test_serverless_connect_pipes_and_archives_are_priced(planned: Planned) -> None:
    text = """\
blueprint: shop
kafka:
  clusters: {sl: {type: serverless}, core: {brokers: {type: kafka.m5.large, count: 3}}}
  topics:
    stream: {cluster: sl, partitions: 10, load: {events_per_second: 1000, event_size: 1000B}}
    big: {cluster: core, load: {events_per_second: 100, event_size: 100KiB}}
eventbridge:
  buses:
    main: {archive: 30d}
  rules:
    r: {pattern: {source: [x]}, targets: {q: {sqs: q}}}
queues: {q: {}}
bridges:
  piped:
    from: {topic: stream}
    to: {bus: main, detail_type: T, source: x}
    via: pipe
  connected:
    from: {topic: big}
    to: {bus: main, detail_type: T, source: kafka-connect.connected}
    via: connector
    connector: {plugin: s3://bucket/plugin.zip, workers: 2, mcu: 2}
"""
    cost = figures(planned(text), "monthly_cost_usd")
    month = 2_628_000
    serverless = (
        0.75 * 730  # cluster-hours: 547.50
        + 0.0015 * 10 * 730  # partition-hours: 10.95
        + 1_000_000 * month / 2**30 * 0.10  # 2,447.51 GiB in: 244.75
        + 1_000_000 * month / 2**30 * 0.05  # the pipe reads it all: 122.38
    )
    assert cost["msk_serverless"] == pytest.approx(serverless, abs=0.01)
    assert cost["msk_connect"] == pytest.approx(2 * 2 * 0.11 * 730, abs=0.01)  # 321.20
    assert cost["msk_brokers"] == pytest.approx(3 * 0.21 * 730, abs=0.01)  # 459.90
    assert cost["pipes"] == pytest.approx(1_000 * month / 1e6 * 0.40, abs=0.01)  # 1,051.20
    # 100 KiB is two 64 KB chunks: (1,000 + 100 x 2) events/s x 2,628,000 s / 1e6 x $1.00
    assert cost["eventbridge_events"] == pytest.approx(1_200 * month / 1e6, abs=0.01)
    # 1,000,000 + 10,240,000 B/s archived: processed in a month, and kept 30 days
    archived = 11_240_000
    expected = archived * month / 2**30 * 0.10 + archived * 30 * 86_400 / 2**30 * 0.023
    assert cost["archive"] == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("brokers", "topic", "code"),
    [
        pytest.param("{type: serverless}", "partitions: 0", "partitions", id="no_partitions"),
        pytest.param("{brokers: {storage: 512MiB}}", "partitions: 6", "storage", id="tiny"),
    ],
)
def test_a_load_on_a_blueprint_with_errors_is_reported_not_crashed(
    report: Callable[..., FileReport], brokers: str, topic: str, code: str
) -> None:
    load = "load: {events_per_second: 1000, event_size: 1KB}"
    result = report(cluster(brokers, f"    t: {{cluster: core, {topic}, {load}}}\n"))
    assert code in [f.code for f in result.errors]


def test_each_warning_names_the_brokers_its_own_limit_asks_for(planned: Planned) -> None:
    # partitions: 3,300 / 1,000 = 3.3 -> 4 -> 6; storage: 241.4 GiB / 10 GiB = 24.1 -> 25 -> 27
    text = cluster(
        "{brokers: {count: 3, storage: 10GiB}}",
        "    t:\n      cluster: core\n      partitions: 1100\n      retention: 1d\n"
        "      load: {events_per_second: 1000, event_size: 1KB}\n",
    )
    p = planned(text)
    assert figures(p, "clusters", "core", "brokers_needed") == 27
    (partitions,) = [w for w in p.warnings if "partition replicas" in w.finding.message]
    assert partitions.finding.message.endswith(
        ": 6 brokers, a larger broker type or fewer partitions"
    )

"""The benchmark's arithmetic and report shape (``kcc.benchmarking``): pure, so no broker and no clock."""

import json
import math
from pathlib import Path

import pytest

from kcc import benchmarking as b

ROOT = Path(__file__).resolve().parents[2]


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert b.percentile(values, 0.5) == 50
    assert b.percentile(values, 0.99) == 99
    assert b.percentile(values, 1.0) == 100
    assert b.percentile([7.0], 0.5) == 7.0
    assert math.isnan(b.percentile([], 0.5))


def test_backlog_is_end_minus_committed_per_partition_and_never_negative():
    ends = {("t", 0): 100, ("t", 1): 50, ("u", 0): 10}
    committed = {("t", 0): 90, ("t", 1): 60}  # u/0 never committed: counts from its start
    assert b.behind(ends, committed) == 10 + 0 + 10


def test_consumed_counts_only_the_event_topics():
    committed = {("kcc.events.call", 0): 40, ("kcc.events.call", 1): 2, ("kcc.rekeyed.call", 0): 99}
    assert b.consumed(committed, {"kcc.events.call"}) == 42


def test_steady_rate_leaves_out_the_start_and_the_last_commit():
    # 10 s to join the group, then 1,000 events/s, committed every second.
    samples = [(t, 0.0) for t in range(10)] + [(10 + s, 1000.0 * s) for s in range(11)]
    assert b.steady_rate(samples, 10_000) == pytest.approx(1000.0)
    assert b.time_reaching(samples, 10_000) == 20
    assert b.time_reaching(samples, 10_001) is None
    assert math.isnan(b.steady_rate(samples[:5], 10_000))


EXPOSITION = """# HELP kcc_event_delay_seconds delay
# TYPE kcc_event_delay_seconds histogram
kcc_event_delay_seconds_bucket{le="0.1"} 50.0
kcc_event_delay_seconds_bucket{le="0.2"} 90.0
kcc_event_delay_seconds_bucket{le="1.0"} 100.0
kcc_event_delay_seconds_bucket{le="+Inf"} 100.0
kcc_event_delay_seconds_count 100.0
kcc_other_bucket{le="0.1"} 7.0
"""


def test_histogram_is_read_from_the_exposition_and_interpolated_like_promql():
    buckets = b.parse_histogram(EXPOSITION, "kcc_event_delay_seconds")
    assert buckets == [(0.1, 50.0), (0.2, 90.0), (1.0, 100.0), (math.inf, 100.0)]
    assert b.histogram_quantile(buckets, 0.5) == pytest.approx(0.1)
    assert b.histogram_quantile(buckets, 0.7) == pytest.approx(0.15)
    assert b.histogram_quantile(buckets, 0.95) == pytest.approx(0.6)
    assert b.histogram_quantile([(1.0, 10.0), (math.inf, 20.0)], 0.99) == 1.0  # in +Inf: the highest bound
    assert math.isnan(b.histogram_quantile([(1.0, 0.0), (math.inf, 0.0)], 0.5))


def test_kafka_consumer_performance_summary_gives_messages_and_fetch_seconds():
    output = ("start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, "
              "rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n"
              "2026-12-02 01:00:00:000, 2026-12-02 01:00:04:000, 40.0, 10.0, 200000, 50000.0, 3000, 1000, "
              "40.0, 200000.0\n")
    assert b.consumer_performance(output) == (200000, 1.0)
    assert b.consumer_performance("WARN something\n") is None


def _run(**overrides):
    figures = dict(workers=1, events=10_000, seconds=20.0,
                   samples=[(t, 0.0) for t in range(10)] + [(10 + s, 1000.0 * s) for s in range(11)],
                   backlog=[0, 5000, 9000, 3000, 0], delays=[(0.1, 50.0), (0.2, 90.0), (1.0, 100.0), (math.inf, 100.0)],
                   rss_bytes=200 * 2**20, cpu_seconds=5.0, rate=None)
    return b.run_figures(**{**figures, **overrides})


def test_run_figures_and_report_shape_are_json_with_ratios_to_each_ceiling():
    run = _run()
    assert run["events_per_second"] == 500 and run["steady_events_per_second"] == 1000
    assert run["cpu_microseconds_per_event"] == 500.0 and run["worker_rss_mib_max"] == 200
    assert run["backlog_messages_p50"] == 3000 and run["backlog_messages_max"] == 9000
    assert run["delay_seconds_p50"] == 0.1 and run["delay_seconds_p99"] == 0.92
    data = b.report(machine={"cpus": 2, "cpu": "x", "memory_gib": 8, "python": "3.11"}, date="2026-12-02",
                    load_average=[5.123, 4, 4], events=10_000, runs=[run],
                    ceilings={"decode_only_aiokafka": 100_000, "kafka_consumer_performance": None}, scrape=None)
    assert tuple(data) == b.REPORT_KEYS
    assert data["runs"][0]["ratio_to_ceilings"] == {"decode_only_aiokafka": 0.01, "kafka_consumer_performance": None}
    assert json.loads(json.dumps(data)) == data


def test_capacity_rounds_worker_cores_up_with_the_stated_headroom():
    # 100 µs per event: 10,000 events/s per core, planned at 5,000.
    assert b.capacity(100.0) == [("one large municipality", 20, 1), ("shared service centre of 10", 200, 1),
                                 ("all 342 municipalities", 200, 1)]
    assert b.capacity(10_000.0)[1] == ("shared service centre of 10", 200, 4)


def test_readme_section_is_replaced_between_the_markers_only():
    readme = f"intro\n{b.README_BEGIN}\nold\n{b.README_END}\noutro\n"
    assert b.replace_section(readme, f"{b.README_BEGIN}\nnew\n{b.README_END}") == \
        f"intro\n{b.README_BEGIN}\nnew\n{b.README_END}\noutro\n"


def test_profile_summary_gives_each_layer_and_function_its_share_of_the_main_thread():
    frames = [{"name": "run_forever", "file": "/x/asyncio/base_events.py"},
              {"name": "_family_agent.<locals>.agent", "file": "/x/streams/agents.py"},
              {"name": "decide", "file": "/x/streams/agents.py"},
              {"name": "RecordCache.flush", "file": "/x/streams/record_cache.py"},
              {"name": "EpollSelector.select", "file": "/x/selectors.py"},
              {"name": "Consumer._drain_messages", "file": "/x/faust/transport/consumer.py"}]
    main = {"samples": [[0, 1, 2], [0, 1, 2], [0, 1, 3], [0, 4], [0, 5]], "weights": [0.02] * 5}
    other_thread = {"samples": [[0, 4]] * 10, "weights": [0.02] * 10}
    summary = b.profile_summary({"shared": {"frames": frames}, "profiles": [main, other_thread]})
    assert summary["seconds"] == 0.1
    assert dict(summary["layers"]) == {"agent: parse and validate (monitor.events)": 0.4,
                                       "agent: changelog writes (encode, hand to the producer)": 0.2,
                                       "idle (event loop waiting)": 0.2,
                                       "Faust consumer (fetch, decode, dispatch to streams)": 0.2}
    assert summary["self"][0] == ("decide@agents.py", 0.4)
    assert ("run_forever@base_events.py", 1.0) in summary["inclusive"]


def test_rendered_section_names_the_machine_the_date_every_run_and_the_ceilings():
    data = b.report(machine={"cpus": 2, "cpu": "AMD EPYC", "memory_gib": 23.5, "python": "3.11.7"},
                    date="2026-12-02 01:46 UTC", load_average=[7.8, 8.9, 8.3], events=10_000,
                    runs=[_run(), _run(workers=2, seconds=10.0), _run(rate=1000.0)],
                    ceilings={"decode_only_aiokafka": 72_000}, scrape=None)
    section = b.render(data)
    assert section.startswith(b.README_BEGIN) and section.endswith(b.README_END)
    assert "2026-12-02 01:46 UTC" in section and "AMD EPYC" in section and "7.8, 8.9, 8.3" in section
    rows = [line for line in section.splitlines() if line.startswith("| 1 |") or line.startswith("| 2 |")]
    assert len(rows) == 3 and "1,000 /s" in rows[2]
    assert "decode only aiokafka 72,000 events/s" in section
    assert "| all 342 municipalities | 200 |" in section
    assert "Faust's own path" not in section
    data["faust_cpu_microseconds_per_event"] = 31.5
    assert "31.5 µs of CPU per event, against 500.0 µs of one worker; the other 468.5 µs" in b.render(data)


def test_readme_benchmark_section_is_the_rendering_of_the_committed_report():
    data = json.loads((ROOT / "docs" / "benchmark.json").read_text())
    section = b.render(data)
    readme = (ROOT / "README.md").read_text()
    assert b.replace_section(readme, section) == readme, "run: kcc-monitor benchmark --readme docs/benchmark.json"


def _domain() -> dict[str, object]:
    return {"events": 100_000, "processed": 100_000,
            "steps_microseconds_per_event": {"parse": 7.1, "records read": 2.7, "fold and facts": 19.3,
                                             "metrics": 6.8, "records write": 2.6, "changelog": 8.7},
            "total_microseconds_per_event": 47.1, "cpu_microseconds_per_event": 45.3,
            "events_per_cpu_second": 22_084, "wall_seconds": 9.7, "open_records": 31_212,
            "gc_microseconds_per_event": 7.9, "gc_full_collections": 4}


def test_rendered_section_shows_the_domain_run_with_every_step_when_the_report_has_one():
    data = b.report(machine={"cpus": 2, "cpu": "AMD EPYC", "memory_gib": 23.5, "python": "3.11.7"},
                    date="2026-12-02 04:00 UTC", load_average=[4.3, 4.0, 3.1], events=100_000, runs=[_run()],
                    ceilings={}, scrape=None)
    assert "in-process without a broker" not in b.render(data)
    data["domain"] = _domain()
    section = b.render(data)
    assert "45.3 µs of CPU per event (≈ 22,084 events/s per core), of which the garbage collector 7.9 µs" in section
    assert "| fold and facts | 19.3 |" in section and "| changelog | 8.7 |" in section
    assert section.endswith(b.README_END)


def test_backfill_figures_give_the_rss_at_each_quarter_and_the_readme_says_whether_the_reports_are_equal():
    rss = [(0, 100 * 2**20), (400, 150 * 2**20), (500, 160 * 2**20), (900, 170 * 2**20), (1000, 165 * 2**20)]
    figures = b.backfill_figures(margin_seconds=86400, municipality="nijmegen", start="2026-01-01", days=30, events=1000,
                                 produce_seconds=2.0, ready_seconds=1.5, seconds=4.0, cpu_seconds=0.5, rss=rss,
                                 rss_settled_bytes=120 * 2**20, open_records=42, reports_equal=True, report_rows=99,
                                 differing_rows=0)
    assert json.loads(json.dumps(figures)) == figures
    assert figures["rss_mib_by_quarter"] == [150, 160, 170, 165]
    assert (figures["worker_rss_mib_max"], figures["worker_rss_mib_end"]) == (170, 120)
    assert (figures["events_per_second"], figures["cpu_microseconds_per_event"]) == (250, 500.0)
    data = b.report(machine={"cpus": 2, "cpu": "AMD EPYC", "memory_gib": 23.5, "python": "3.11.7"},
                    date="2026-12-02 04:00 UTC", load_average=[1.0, 1.0, 1.0], events=0, runs=[], ceilings={},
                    scrape=None)
    data["backfill"] = figures
    section = b.render(data)
    assert "30 days of nijmegen from 2026-01-01 (1,000 events)" in section
    assert "lag 0 4.0 s after its start" in section and figures["seconds_worker_ready"] == 1.5
    assert "150, 160, 170, 165 MiB" in section and "42 records left open" in section
    assert "equals the offline report (99 rows)" in section
    data["backfill"] = {**figures, "reports_equal": False, "report_rows_differing": 3}
    assert "differs in 3 rows from the offline report" in b.render(data)

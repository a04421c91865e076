"""Topic creation settings: the dead-letter topic's retention is explicit, since it holds original bytes."""

from __future__ import annotations

from monitor.settings import Settings
from streams.topics import topic_configs, topic_names


def test_dead_letter_topic_is_created_with_seven_days_retention_by_default() -> None:
    settings = Settings(_env_file=None)
    assert topic_configs(settings, settings.dead_letter_topic) == {"retention.ms": str(7 * 24 * 3600 * 1000)}


def test_dead_letter_retention_follows_the_setting_and_event_topics_keep_the_broker_default(monkeypatch) -> None:
    monkeypatch.setenv("KCC_DEAD_LETTER_RETENTION_SECONDS", "86400")
    settings = Settings(_env_file=None)
    assert topic_configs(settings, settings.dead_letter_topic) == {"retention.ms": "86400000"}
    assert all(topic_configs(settings, name) == {} for name in topic_names(settings)
               if name != settings.dead_letter_topic)

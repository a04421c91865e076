"""Municipal configuration: the seeds' municipalities load, bad files say file, key and problem."""

from __future__ import annotations

import pytest

from monitor.config import OTHER, ConfigError, load_config, load_municipality


def test_every_seed_municipality_is_configured(config):
    assert {"groningen", "amersfoort", "nijmegen", "hengelo"} <= config.slugs


def test_amersfoort_walk_in_norm_is_seasonal(config):
    walk_in = [n for n in config["amersfoort"].norms if n.scope == {"visit_type": "walk_in"}]
    assert {(n.target, tuple(n.months)) for n in walk_in} == {
        (0.90, (5, 6, 7, 8)), (0.93, (1, 2, 3, 4, 9, 10, 11, 12))}


def test_unconfigured_label_value_becomes_other(config):
    groningen = config["groningen"]
    assert groningen.label("location", "kreupelstraat") == "kreupelstraat"
    assert groningen.label("location", "free-text-from-a-message") == OTHER
    assert groningen.label("location", None) == OTHER


def test_bad_file_names_file_key_and_problem(tmp_path):
    path = tmp_path / "zwolle.yaml"
    path.write_text("slug: zwolle\nname: Zwolle\nlines: ['14038']\nqueues: [algemeen]\n"
                    "thresholds: {short_abandon_seconds: -3}\n")
    with pytest.raises(ConfigError, match=r"zwolle\.yaml: thresholds\.short_abandon_seconds: .*greater than or equal to 0"):
        load_municipality(path)


def test_norm_needs_target_or_previous_year(tmp_path):
    path = tmp_path / "zwolle.yaml"
    path.write_text("slug: zwolle\nname: Zwolle\nlines: ['14038']\nqueues: [algemeen]\n"
                    "norms: [{indicator: positief, op: '>='}]\n")
    with pytest.raises(ConfigError, match="norms.0"):
        load_municipality(path)


def test_norm_of_an_unknown_indicator_names_the_known_ones(tmp_path):
    path = tmp_path / "zwolle.yaml"
    path.write_text("slug: zwolle\nname: Zwolle\nlines: ['14038']\nqueues: [algemeen]\n"
                    "norms: [{indicator: wachttijd_loket, op: '<=', target: 5}]\n")
    with pytest.raises(ConfigError, match=r"norms\.0\.indicator: .*unknown indicator 'wachttijd_loket'.*wachttijd_balie"):
        load_municipality(path)


def test_norm_scope_must_name_dimensions_of_its_indicator(tmp_path):
    path = tmp_path / "zwolle.yaml"
    path.write_text("slug: zwolle\nname: Zwolle\nlines: ['14038']\nqueues: [algemeen]\n"
                    "norms: [{indicator: wachttijd_balie, op: '<=', target: 5, scope: {line: '14038'}}]\n")
    with pytest.raises(ConfigError, match="wachttijd_balie has no scope dimension line"):
        load_municipality(path)


def test_slug_must_match_file_name(tmp_path):
    path = tmp_path / "zwolle.yaml"
    path.write_text("slug: kampen\nname: Kampen\nlines: ['14038']\nqueues: [algemeen]\n")
    with pytest.raises(ConfigError, match="must equal the file name"):
        load_municipality(path)


def test_unknown_time_zone_is_rejected(tmp_path):
    path = tmp_path / "zwolle.yaml"
    path.write_text("slug: zwolle\nname: Zwolle\nlines: ['14038']\nqueues: [algemeen]\ntimezone: Europe/Zwolle\n")
    with pytest.raises(ConfigError, match="timezone"):
        load_municipality(path)


def test_empty_config_folder_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="no municipality files"):
        load_config(tmp_path)

"""The CSV is for Dutch Excel: ';', decimal comma, '%' on ratios, UTF-8 with BOM; it parses back."""

from __future__ import annotations

import csv
import io

from monitor.export.csv import write_csv


def _parse(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel detects UTF-8
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline=""), delimiter=";"))


def _number(text, unit):
    if text == "–":
        return None
    if unit == "%":
        return float(text.rstrip("%").replace(",", ".")) / 100
    return float(text.replace(",", "."))


def test_csv_round_trips_to_the_table_values(year_table, tmp_path):
    rows = _parse(write_csv(year_table, tmp_path / "out.csv"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Indicator", "Norm", "Eenheid"]
    assert header[3:16] == [c.title for c in year_table.columns]
    assert header[-3:] == ["Status", "Aantal (n)", "Voorlopig"]
    assert len(body) == len(year_table.rows)
    for line, row in zip(body, year_table.rows):
        assert line[0] == row.label
        for text, cell in zip(line[3:16], row.cells):
            parsed = _number(text, line[2])
            if cell.value is None:
                assert parsed is None
            else:
                decimals = {"%": 3, "aantal": 0}.get(line[2], 1)
                assert abs(parsed - cell.value) <= 0.5 * 10 ** -decimals + 1e-9  # display rounding only


def test_numbers_use_decimal_comma_and_ratios_carry_percent(month_table, tmp_path):
    rows = {r[0]: r for r in _parse(write_csv(month_table, tmp_path / "out.csv"))[1:]}
    assert rows["Terugbellen binnen 1 werkdag"][3] == "78,0%"
    assert rows["Gemiddelde wachttijd balie (op afspraak)"][3] == "5,1"
    assert rows["Klanttevredenheid publieksbalie Kreupelstraat"][3] == "8,6"
    assert rows["Aantal contacten telefoon"][3] == "1234"
    assert rows["% bellers die direct zijn geholpen door KCC"][3] == "–"
    assert rows["Klanttevredenheid telefoonnummer 14 050"][4] == "voldoet niet"


def test_provisional_rows_are_flagged_in_their_own_column(year_table, tmp_path):
    rows = {r[0]: r for r in _parse(write_csv(year_table, tmp_path / "out.csv"))[1:]}
    assert rows["Terugbellen binnen 2 werkdagen"][-1] == "ja"
    assert rows["Terugbellen binnen 1 werkdag"][-1] == "nee"
    assert not any("*" in field for r in rows.values() for field in r[3:16])

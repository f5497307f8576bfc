"""Companion inputs fold back into the value a browser could not hold by itself."""

import pytest

from rum.fields import Field
from rum_toscawidgets.inputs import combine_companions

FIELDS = (Field("stamp", "datetime_tz"), Field("at", "datetime"), Field("note", "text"),
          Field("perks", "set"), Field("label", "string"))


@pytest.mark.parametrize("sent,value", [
    ({"at": "2024-01-01T10:00:00.123", "at.us": "2024-01-01T10:00:00.123456"},
     "2024-01-01T10:00:00.123456"),
    ({"at": "2024-01-01T10:00:00.124", "at.us": "2024-01-01T10:00:00.123456"},
     "2024-01-01T10:00:00.124"),
    # browsers write 10:00:00.000 as 10:00
    ({"at": "2024-01-01T10:00", "at.us": "2024-01-01T10:00:00.000500"},
     "2024-01-01T10:00:00.000500"),
    ({"at": "2024-01-01T10:05", "at.us": "2024-01-01T10:00:00.000500"}, "2024-01-01T10:05"),
    ({"at": "2024-01-02T10:00:00.123", "at.us": "2024-01-01T10:00:00.123456"},
     "2024-01-02T10:00:00.123"),
    ({"at": "10:00:00.5", "at.us": "10:00:00.500001"}, "10:00:00.500001"),
    ({"at": "soon", "at.us": "10:00:00.500001"}, "soon"),
])
def test_microseconds_come_back_when_the_shown_time_was_kept(sent, value):
    assert combine_companions(sent, FIELDS)["at"] == value


@pytest.mark.parametrize("offset,value", [
    ("+05:30", "2024-01-01T10:00+05:30"), ("Z", "2024-01-01T10:00Z"),
    ("Europe/Paris", "2024-01-01T10:00:00+01:00"), ("", "2024-01-01T10:00"),
    ("Mars/Base", "2024-01-01T10:00 Mars/Base"),  # refused later by the field's parser
])
def test_offsets_join_the_local_time(offset, value):
    sent = {"stamp": "2024-01-01T10:00", "stamp.offset": offset}
    assert combine_companions(sent, FIELDS)["stamp"] == value


def test_no_value_box_line_ends_and_empty_selects():
    out = combine_companions({"note": "a\r\nb", "note.eol": "lf", "label": "", "label.null": "1",
                              "perks.set": "1"}, FIELDS)
    assert out["note"] == "a\nb" and out["label"] is None and out["perks"] == []
    kept = combine_companions({"label": "", "perks": ["remote"], "perks.set": "1"}, FIELDS)
    assert kept["label"] == "" and kept["perks"] == ["remote"]
    assert combine_companions({"perks.set": "1", "perks.null": "1"}, FIELDS)["perks"] is None


def test_fields_not_sent_have_no_value():
    assert combine_companions({}, FIELDS) == {f.name: None for f in FIELDS}

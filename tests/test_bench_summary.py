"""bench/summary.py: the README's table of recognition figures, read from bench JSON."""

from bench.summary import row, worst_slice


def _run(**chat_typed):
    return {"set": {"pages": 100},
            "accuracy": {"all": {"pages": 100, "identity_read": 0.997, "checkbox_accuracy": 1.0,
                                 "signature_precision": 1.0, "signature_recall": 0.99, "unsafe_routes": 0},
                         "scan+typed": {"fields_accepted_share": 0.99, "accepted_fields_wrong": 0, "fields_accepted": 300},
                         "chat+typed": {"fields_accepted_share": 0.836, **chat_typed},
                         "fill=handwriting": {"fields_accepted_share": 0.435}},
            "unmarked": {"pages": 36, "identified_by_title": 35}}


def test_the_slice_most_often_wrong_is_named_with_its_counts():
    run = _run(accepted_fields_wrong=1, fields_accepted=246)
    assert worst_slice(run["accuracy"]) == "chat+typed 1/246 (0.41 %)"
    assert worst_slice(_run(accepted_fields_wrong=0, fields_accepted=97)["accuracy"]) == "none wrong"


def test_an_older_run_without_counts_has_them_worked_back_from_the_share():
    run = _run(accepted_fields_wrong=1, accepted_field_exact_match=0.9959)
    assert worst_slice(run["accuracy"]) == "chat+typed 1/244 (0.41 %)"


def test_a_row_gives_every_capture_style_and_leaves_a_missing_one_blank():
    line = row("pairunm-s2047", _run(accepted_fields_wrong=0, fields_accepted=97))
    assert "| 99.7 % |" in line and "99.0 % / - / 83.6 %" in line and "43.5 %" in line
    assert "35 of 36" in line and line.endswith("| 0 |")


def test_compare_names_a_change_in_forms_without_marks():
    from bench.compare import changes

    before, after = _run(), _run()
    after["unmarked"] = {"pages": 36, "identified_by_title": 36}
    assert changes(before, after) == ["  unmarked identified_by_title: 35 -> 36"]
    assert changes(before, before) == []


def test_compare_names_a_change_in_serials_seen_twice():
    from bench.compare import changes

    before, after = _run(), _run()
    before["gate"] = {"same_sheet": {"pairs": 15, "right": 14}, "conflict": {"pairs": 12, "right": 12}}
    after["gate"] = {"same_sheet": {"pairs": 15, "right": 15}, "conflict": {"pairs": 12, "right": 12}}
    assert changes(before, after) == ["  repeats same_sheet right: 14 of 15 -> 15 of 15"]
    assert changes(_run(), _run()) == []

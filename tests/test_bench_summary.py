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


def _slices(**styles):
    return {"accuracy": {style: {"fields": n, "fields_accepted": a, "accepted_fields_wrong": w}
                         for style, (n, a, w) in styles.items()}}


def test_pooled_figures_sum_each_style_over_the_sets_and_name_a_set_whose_own_slice_misses():
    from bench.summary import pooled

    runs = {"small": _slices(**{"chat+handwriting": (300, 173, 1), "chat+typed": (116, 103, 0)}),
            "large": _slices(**{"chat+handwriting": (1600, 806, 0), "chat+typed": (3952, 3776, 6)})}
    lines = {line.split(" | ")[0].lstrip("| "): line for line in pooled(runs).splitlines()[2:]}
    assert "| 2 | 1900 | 979 of 1900, 51.5 %" in lines["chat+handwriting"]
    assert "1 of 979, 0.10 % (0.02-0.58 %)" in lines["chat+handwriting"]
    assert lines["chat+handwriting"].endswith("| small |")  # 1 of 173 is 0.58 %, over 0.5 %
    assert "3879 of 4068, 95.4 %" in lines["chat+typed"] and lines["chat+typed"].endswith("| small |")  # 88.8 %
    assert lines["scan+typed"].startswith("| scan+typed | 0 | 0 | - |")


def test_the_interval_is_wilsons_and_holds_zero_errors_above_zero():
    from bench.summary import interval

    low, high = interval(0, 500)
    assert low == 0.0 and 0.0075 < high < 0.0078  # a clean slice of 500 still allows ~0.8 %
    low, high = interval(1, 173)
    assert 0.0009 < low < 0.0011 and 0.031 < high < 0.033  # worked by hand from the formula

"""Generates the input streams for the change detector tests, and the change points that River
documents for some of them, into change_detection_streams.json.

Run with Debian's interpreter (it has numpy):  /usr/bin/python3 change_detection_streams.py

The River streams are rebuilt exactly as River's own docstrings and tests build them:
- Python's `random.Random(seed)`; `random()` is guaranteed stable across Python versions for the same
  seed, and `choices` only maps `random()` through floor/bisect (checked identical on 3.6 to 3.13);
- numpy's legacy `np.random.seed` global state (RandomState), which numpy keeps frozen.
The expected indices of the `river` cases are copied from River's docstrings (river/drift/adwin.py,
page_hinkley.py, binary/ddm.py, eddm.py, hddm_a.py, hddm_w.py) and tests
(river/drift/test_drift_detectors.py, test_adwin_regression.py), newest versions.

The `synthetic` streams have no documented expectation: their expected indices live in
change_detection_parity.json (see the note there).
"""

import json
import random
from pathlib import Path


def river_docstring_streams():
    rng = random.Random(12345)
    two_distributions = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)

    rng = random.Random(42)
    binary_shift = rng.choices([0, 1], k=1000) + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])

    rng = random.Random(42)
    four_segments = (
        rng.choices([0, 1], k=1000)
        + rng.choices(range(4, 8), k=1000)
        + rng.choices([0, 1], k=1000)
        + rng.choices(range(4, 8), k=1000)
    )
    return {
        "river_doc_two_distributions": two_distributions,
        "river_doc_binary_shift": binary_shift,
        "river_adwin_four_segments": four_segments,
    }


def river_test_streams():
    import numpy as np

    np.random.seed(12345)
    stream_1 = np.concatenate((np.random.randint(2, size=1000), np.random.randint(8, size=1000)))

    np.random.seed(12345)
    stream_2 = np.concatenate(
        [
            [np.random.binomial(1, 0.2) for _ in range(1000)],
            [np.random.binomial(1, 0.8) for _ in range(1000)],
        ]
    ).astype(int)

    np.random.seed(12345)
    stream_3 = np.concatenate(
        (
            np.random.normal(0.0, 0.1, 500) > 0,
            np.random.normal(0.25, 0.1, 500) > 0,
            np.random.normal(0.0, 0.1, 500) > 0,
            np.random.normal(0.25, 0.1, 500) > 0,
        )
    ).astype(int)

    return {
        "river_test_stream_1": [int(v) for v in stream_1],
        "river_test_stream_2": [int(v) for v in stream_2],
        "river_test_stream_3": [int(v) for v in stream_3],
        "ones_1000": [1] * 1000,
    }


def synthetic_streams():
    rng = random.Random(2024)
    sudden = (
        [rng.gauss(0.0, 1.0) for _ in range(1500)]
        + [rng.gauss(1.0, 1.0) for _ in range(1500)]
        + [rng.gauss(-0.5, 2.0) for _ in range(1500)]
    )
    gradual = [rng.gauss(3.0 * i / 5000, 0.5) for i in range(5000)]
    # Integer values keep the long stream small on disk while still exercising deep bucket rows.
    long_levels = (
        [rng.randint(0, 9) for _ in range(10000)]
        + [rng.randint(1, 10) for _ in range(10000)]
        + [rng.randint(0, 6) for _ in range(10000)]
    )

    def errors(rate):
        return 1 if rng.random() < rate else 0

    noisy_errors = (
        [errors(0.1) for _ in range(3000)]
        + [errors(0.3) for _ in range(3000)]
        + [errors(0.3 - 0.25 * i / 3000) for i in range(3000)]
        + [errors(0.5) for _ in range(2000)]
    )
    gradual_errors = [errors(0.2 + 0.4 * i / 4000) for i in range(4000)]
    falling_errors = [errors(0.4) for _ in range(2000)] + [errors(0.05) for _ in range(2000)]

    return {
        "sudden_shift_gaussian": sudden,
        "gradual_drift_gaussian": gradual,
        "long_integer_levels": long_levels,
        "constant_value": [0.25] * 3000,
        "constant_zeros": [0] * 3000,
        "constant_ones": [1] * 3000,
        "noisy_error_rates": noisy_errors,
        "gradual_error_rate": gradual_errors,
        "falling_error_rate": falling_errors,
    }


# River's documented outputs. `first_warnings` is what River's docstring loops print: the first
# warning since the start or since the last drift.
RIVER_CASES = [
    ("river/drift/adwin.py docstring", "adwin", {}, "river_doc_two_distributions", [1023], None),
    ("river/drift/page_hinkley.py docstring", "page-hinkley", {}, "river_doc_two_distributions", [1006], None),
    ("river/drift/binary/ddm.py docstring", "ddm", {}, "river_doc_binary_shift", [1334], [1084, 1492]),
    ("river/drift/binary/eddm.py docstring", "eddm", {"alpha": 0.8, "beta": 0.75}, "river_doc_binary_shift", [1278], [1059]),
    ("river/drift/binary/hddm_a.py docstring", "hddm-a", {}, "river_doc_binary_shift", [1206], [451]),
    ("river/drift/binary/hddm_w.py docstring", "hddm-w", {}, "river_doc_binary_shift", [1077], [451]),
    ("river/drift/test_adwin_regression.py test_multiple_drifts", "adwin", {}, "river_adwin_four_segments", [1023, 2015, 3007], None),
    ("river/drift/test_drift_detectors.py test_adwin", "adwin", {}, "river_test_stream_1", [1023], None),
    ("river/drift/test_drift_detectors.py test_ddm", "ddm", {}, "river_test_stream_2", [1049], None),
    ("river/drift/test_drift_detectors.py test_ddm", "ddm", {}, "ones_1000", [], None),
    ("river/drift/test_drift_detectors.py test_eddm", "eddm", {"alpha": 0.9, "beta": 0.8}, "river_test_stream_2", [1059], None),
    ("river/drift/test_drift_detectors.py test_hddm_a", "hddm-a", {}, "river_test_stream_2", [1047], None),
    ("river/drift/test_drift_detectors.py test_hddm_a", "hddm-a", {"two_sided_test": True}, "river_test_stream_3", [531, 1015, 1545], None),
    ("river/drift/test_drift_detectors.py test_hddm_w", "hddm-w", {}, "river_test_stream_2", [1018], None),
    ("river/drift/test_drift_detectors.py test_hddm_w", "hddm-w", {"two_sided_test": True}, "river_test_stream_3", [507, 1032, 1508], None),
    # window_size = 2 * stat_size: the draw takes the whole older half, so River's generator does not matter.
    ("river/drift/test_drift_detectors.py test_kswin", "kswin", {"alpha": 0.0001, "window_size": 200, "stat_size": 100, "seed": 42}, "river_test_stream_1", [1042], None),
    ("river/drift/test_drift_detectors.py test_page_hinkley", "page-hinkley", {"mode": "up"}, "river_test_stream_3", [588, 1681], None),
    ("river/drift/test_drift_detectors.py test_page_hinkley", "page-hinkley", {"mode": "down"}, "river_test_stream_3", [1172], None),
    ("river/drift/test_drift_detectors.py test_page_hinkley", "page-hinkley", {"mode": "both"}, "river_test_stream_3", [588, 1097, 1585], None),
]


def build():
    streams = {**river_docstring_streams(), **river_test_streams(), **synthetic_streams()}
    cases = [
        {
            "source": source,
            "detector": detector,
            "parameters": parameters,
            "stream": stream,
            "drifts": drifts,
            "first_warnings": first_warnings,
        }
        for source, detector, parameters, stream, drifts, first_warnings in RIVER_CASES
    ]
    return {"streams": streams, "river_cases": cases}


if __name__ == "__main__":
    output = Path(__file__).with_name("change_detection_streams.json")
    output.write_text(json.dumps(build(), separators=(",", ":")) + "\n")
    print(f"wrote {output}")

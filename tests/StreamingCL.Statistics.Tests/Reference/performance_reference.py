"""Generates performance_reference.json: windows of predictions with their metrics computed
independently of the C# code, with numpy and scipy following scikit-learn's definitions.

Run with Debian's interpreter (it has numpy and scipy):  /usr/bin/python3 performance_reference.py
When scikit-learn is importable the script also checks its numbers against it.

Definitions (binary classification, p = predicted probability of the positive class):
- accuracy: the prediction is positive when p >= 0.5 (sklearn.metrics.accuracy_score on those labels);
- log loss: sklearn.metrics.log_loss, newest behaviour: the columns [1 - p, p] are clipped to
  [eps, 1 - eps] with eps = np.finfo(float64).eps = 2**-52, and not renormalised afterwards;
- Brier score: mean((y - p)**2) (sklearn.metrics.brier_score_loss);
- ROC AUC: Mann-Whitney U of the positives with average ranks for ties, divided by P * N
  (sklearn.metrics.roc_auc_score); undefined (null) with a single class;
- histogram ROC AUC: scores in `bins` equal-width bins floor(p * bins) (1 goes to the last bin),
  pairs sharing a bin count 1/2; its error bound is 1/2 * sum_b pos_b * neg_b / (P * N);
- expected calibration error (Guo et al. 2017, top-label): confidence max(p, 1 - p), correctness of
  the predicted label, bins (b/B, (b+1)/B] with edges b/B, ECE = sum_b n_b / n * |acc_b - conf_b|;
- regression: MAE = mean|y - y_hat|, RMSE = sqrt(mean (y - y_hat)**2).
"""

import json
from pathlib import Path

import numpy as np
from scipy import stats

EPS = np.finfo(np.float64).eps


def log_loss(y, p):
    columns = np.clip(np.column_stack([1 - p, p]), EPS, 1 - EPS)
    return float(-np.log(columns[np.arange(len(y)), y]).mean())


def roc_auc(y, p):
    positives, negatives = int(y.sum()), int(len(y) - y.sum())
    if positives == 0 or negatives == 0:
        return None
    ranks = stats.rankdata(p)  # average ranks for ties
    u = ranks[y == 1].sum() - positives * (positives + 1) / 2
    mann_whitney = stats.mannwhitneyu(p[y == 1], p[y == 0]).statistic
    assert np.isclose(u, mann_whitney, rtol=0, atol=1e-9), (u, mann_whitney)
    return float(u / (positives * negatives))


def histogram_roc_auc(y, p, bins):
    positives, negatives = int(y.sum()), int(len(y) - y.sum())
    if positives == 0 or negatives == 0:
        return None, None
    index = np.minimum((p * bins).astype(int), bins - 1)
    pos = np.bincount(index[y == 1], minlength=bins).astype(float)
    neg = np.bincount(index[y == 0], minlength=bins).astype(float)
    below = np.concatenate([[0.0], np.cumsum(neg)[:-1]])
    estimate = (pos * (below + 0.5 * neg)).sum() / (positives * negatives)
    bound = 0.5 * (pos * neg).sum() / (positives * negatives)
    return float(estimate), float(bound)


def expected_calibration_error(y, p, bins):
    predicted = (p >= 0.5).astype(int)
    confidence = np.where(p >= 0.5, p, 1 - p)
    correct = (predicted == y).astype(float)
    upper_edges = np.arange(1, bins + 1) / bins
    index = np.searchsorted(upper_edges, confidence, side="left")  # conf in (edge_b, edge_b+1]
    ece = 0.0
    for b in range(bins):
        in_bin = index == b
        if in_bin.any():
            ece += in_bin.sum() / len(y) * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(ece)


def classification_metrics(y, p, calibration_bins=10, roc_auc_bins=1000):
    estimate, bound = histogram_roc_auc(y, p, roc_auc_bins)
    return {
        "accuracy": float(((p >= 0.5).astype(int) == y).mean()),
        "log_loss": log_loss(y, p),
        "brier_score": float(((y - p) ** 2).mean()),
        "roc_auc": roc_auc(y, p),
        "roc_auc_estimate": estimate,
        "roc_auc_error_bound": bound,
        "expected_calibration_error": expected_calibration_error(y, p, calibration_bins),
    }


def regression_metrics(y, y_hat):
    return {
        "mean_absolute_error": float(np.abs(y - y_hat).mean()),
        "root_mean_squared_error": float(np.sqrt(((y - y_hat) ** 2).mean())),
    }


def classification_windows(rng):
    def calibrated(n):
        p = rng.uniform(0, 1, n)
        return (rng.uniform(0, 1, n) < p).astype(int), p

    def overconfident(n):
        y, q = calibrated(n)
        logit = np.log(q / (1 - q))
        return y, 1 / (1 + np.exp(-3 * logit))

    def tied(n):
        y, p = calibrated(n)
        return y, np.round(p, 1)

    windows = {
        "calibrated": calibrated(400),
        "overconfident": overconfident(300),
        "tied_scores": tied(250),
        "extremes": (
            np.array([1, 0, 1, 0, 1, 0, 1, 0, 1, 1]),
            np.array([0.0, 1.0, 1.0, 0.0, 0.5, 0.5, 1e-20, 1 - 1e-17, 0.999, 0.001]),
        ),
        # Confidences on bin edges, right and wrong, next to predictions inside the bins: which bin
        # an edge falls in changes the result.
        "bin_edges": (
            np.array([0, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1]),
            np.array([0.7, 0.65, 0.75, 0.3, 0.35, 0.2, 0.85, 0.6, 0.62, 0.9, 0.95, 1.0, 0.5, 0.45]),
        ),
        # Confidences whose product with the bin count rounds across an integer: 0.56 * 25 gives
        # 14.000000000000002 though 0.56 <= 14/25, and 0.7333333333333334 * 15 gives 11.0 though it
        # exceeds 11/15. Right and wrong predictions around them make the bin matter.
        "float_edges": (
            np.array([0, 1, 1, 1, 0, 1, 1, 0]),
            np.array([0.56, 0.55, 0.57, 0.44, 0.7333333333333334, 0.72, 0.75, 0.2666666666666666]),
        ),
        "single_class": (np.ones(20, dtype=int), rng.uniform(0, 1, 20)),
        "one_example": (np.array([0]), np.array([0.25])),
    }
    cases = []
    for name, (y, p) in windows.items():
        for calibration_bins, roc_auc_bins in [(10, 1000), (15, 7), (25, 50)]:
            cases.append({
                "name": name,
                "calibration_bins": calibration_bins,
                "roc_auc_bins": roc_auc_bins,
                "probabilities": p.tolist(),
                "labels": y.tolist(),
                "expected": classification_metrics(y, p, calibration_bins, roc_auc_bins),
            })
    return cases


def sliding_classification(rng, capacity=256, length=3000):
    drift = np.linspace(0, 1.5, length)
    p = 1 / (1 + np.exp(-(rng.normal(0, 2, length) + drift)))
    y = (rng.uniform(0, 1, length) < np.clip(p + 0.2 * drift - 0.15, 0, 1)).astype(int)
    checkpoints = [0, 1, 99, 254, 255, 256, 257, 511, 512, 513, 1000, 1777, 2047, 2048, 2999]
    return {
        "capacity": capacity,
        "probabilities": p.tolist(),
        "labels": y.tolist(),
        "checkpoints": [
            {"index": i, "expected": classification_metrics(y[max(0, i + 1 - capacity): i + 1], p[max(0, i + 1 - capacity): i + 1])}
            for i in checkpoints
        ],
    }


def sliding_regression(rng, capacity=200, length=2500):
    targets = rng.normal(10, 3, length)
    predictions = targets + rng.normal(0, 1, length) * np.linspace(0.5, 3, length)
    checkpoints = [0, 10, 198, 199, 200, 201, 399, 400, 1234, 2499]
    return {
        "capacity": capacity,
        "targets": targets.tolist(),
        "predictions": predictions.tolist(),
        "checkpoints": [
            {"index": i, "expected": regression_metrics(targets[max(0, i + 1 - capacity): i + 1], predictions[max(0, i + 1 - capacity): i + 1])}
            for i in checkpoints
        ],
    }


def cross_check_with_sklearn(data):
    try:
        import sklearn
        from sklearn import metrics
    except ImportError:
        return None
    for case in data["classification_windows"]:
        y, p, expected = np.array(case["labels"]), np.array(case["probabilities"]), case["expected"]
        assert np.isclose(metrics.accuracy_score(y, (p >= 0.5).astype(int)), expected["accuracy"], rtol=1e-12)
        assert np.isclose(metrics.log_loss(y, p, labels=[0, 1]), expected["log_loss"], rtol=1e-12)
        assert np.isclose(metrics.brier_score_loss(y, p, pos_label=1), expected["brier_score"], rtol=1e-12)
        if expected["roc_auc"] is not None:
            assert np.isclose(metrics.roc_auc_score(y, p), expected["roc_auc"], rtol=1e-12)
    sliding = data["sliding_regression"]
    y, y_hat = np.array(sliding["targets"]), np.array(sliding["predictions"])
    for checkpoint in sliding["checkpoints"]:
        window = slice(max(0, checkpoint["index"] + 1 - sliding["capacity"]), checkpoint["index"] + 1)
        assert np.isclose(metrics.mean_absolute_error(y[window], y_hat[window]), checkpoint["expected"]["mean_absolute_error"], rtol=1e-12)
        assert np.isclose(np.sqrt(metrics.mean_squared_error(y[window], y_hat[window])), checkpoint["expected"]["root_mean_squared_error"], rtol=1e-12)
    return sklearn.__version__


def build():
    rng = np.random.default_rng(20240611)
    data = {
        "classification_windows": classification_windows(rng),
        "sliding_classification": sliding_classification(rng),
        "sliding_regression": sliding_regression(rng),
    }
    data["checked_against_sklearn"] = cross_check_with_sklearn(data)
    return data


if __name__ == "__main__":
    output = Path(__file__).with_name("performance_reference.json")
    data = build()
    output.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {output}; scikit-learn cross-check: {data['checked_against_sklearn'] or 'not available'}")

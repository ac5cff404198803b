"""Reference values for StreamingCL.Statistics.Drift: scipy 1.10 and numpy 1.24.

PSI is computed here from its definition (see ReferenceProfile's documentation) with numpy:
np.quantile edges, np.unique, np.searchsorted(side='left') bins, zero shares floored at 1e-4.
"""
import warnings

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

from common import sample, spec, write


def binned_shares(reference, current, bins=10):
    reference = np.asarray(reference)
    current = np.asarray(current)
    edges = np.unique(np.quantile(reference, np.arange(1, bins) / bins))
    p = np.bincount(np.searchsorted(edges, reference, side="left"), minlength=len(edges) + 1) / len(reference)
    q = np.bincount(np.searchsorted(edges, current, side="left"), minlength=len(edges) + 1) / len(current)
    return edges, p, q


def psi(p, q):
    p = np.where(p == 0, 1e-4, p)
    q = np.where(q == 0, 1e-4, q)
    return float(np.sum((q - p) * np.log(q / p)))


def ks(reference, current, method):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = stats.ks_2samp(reference, current, method=method)
    fell_back = any("Switching to" in str(w.message) for w in caught)
    used = "asymp" if method == "asymp" or fell_back else (
        "exact" if method == "exact" or max(len(reference), len(current)) <= 10000 else "asymp")
    return {"statistic": float(result.statistic), "pvalue": float(result.pvalue), "method": used}


numeric_cases = [
    ("tiny", spec(5, 1), spec(7, 40, shift=0.3)),
    ("equal_20", spec(20, 1), spec(20, 100, shift=0.4)),
    ("unequal_100_133", spec(100, 1), spec(133, 500, scale=1.3)),
    ("equal_1000_shift", spec(1000, 1), spec(1000, 7000, shift=0.05)),
    ("coprime_997_1000", spec(997, 1), spec(1000, 3000, shift=0.02)),
    ("ratio_3000_2000", spec(3000, 11), spec(2000, 9000, scale=1.1)),
    ("equal_10000", spec(10000, 1), spec(10000, 20000, shift=0.01)),
    ("large_12000_11000", spec(12000, 1), spec(11000, 50000, shift=0.02)),
    ("ties_500_400", spec(500, 1, grid=10), spec(400, 800, shift=0.1, grid=10)),
    ("heavy_ties_duplicate_edges", spec(300, 1, grid=1), spec(300, 900, grid=1)),
    ("outside_reference_range", spec(400, 1), spec(350, 2000, scale=3.0, shift=1.0)),
    ("identical", spec(250, 3), spec(250, 3)),
]

numeric = []
for name, ref_spec, cur_spec in numeric_cases:
    reference, current = sample(ref_spec), sample(cur_spec)
    edges, p, q = binned_shares(reference, current)
    numeric.append({
        "name": name,
        "reference": ref_spec,
        "current": cur_spec,
        "edges": edges.tolist(),
        "reference_shares": p.tolist(),
        "psi": psi(p, q),
        "jensen_shannon": float(jensenshannon(p, q, base=2)),
        "wasserstein": float(stats.wasserstein_distance(reference, current)),
        "normalised_wasserstein": float(stats.wasserstein_distance(reference, current) / max(np.std(reference), 0.001)),
        "ks_exact": ks(reference, current, "exact"),
        "ks_asymp": ks(reference, current, "asymp"),
        "ks_auto": ks(reference, current, "auto"),
    })


def categories(n, seed, k, skew):
    """Deterministic category labels: Weyl draws bucketed with a skew exponent."""
    values = sample(spec(n, seed, scale=1.0 / 3.0, shift=0.5))
    return ["c%d" % min(k - 1, int((v ** skew) * k)) for v in values]


categorical_cases = [
    ("same_distribution", categories(2000, 1, 5, 1.0), categories(1500, 5000, 5, 1.0)),
    ("skewed", categories(2000, 1, 6, 1.0), categories(1800, 7000, 6, 1.6)),
    ("unseen_categories", categories(1000, 1, 4, 1.0), categories(900, 3000, 7, 1.0)),
    ("missing_in_current", categories(1000, 1, 6, 1.0), categories(800, 3000, 3, 1.0)),
]

categorical = []
for name, reference, current in categorical_cases:
    ref_counts = {c: reference.count(c) for c in sorted(set(reference))}
    cur_counts = {c: current.count(c) for c in sorted(set(current))}
    bins = sorted(ref_counts) + sorted(set(cur_counts) - set(ref_counts))
    table = np.array([[ref_counts.get(c, 0) for c in bins], [cur_counts.get(c, 0) for c in bins]])
    p = table[0] / table[0].sum()
    q = table[1] / table[1].sum()
    chi2, pvalue, dof, _ = stats.chi2_contingency(table, correction=False)
    categorical.append({
        "name": name,
        "reference_counts": ref_counts,
        "current_counts": cur_counts,
        "psi": psi(p, q),
        "jensen_shannon": float(jensenshannon(p, q, base=2)),
        "chi2": float(chi2),
        "dof": int(dof),
        "chi2_pvalue": float(pvalue),
    })

write("drift.json", {"numeric": numeric, "categorical": categorical})

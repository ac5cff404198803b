"""Reference values for StreamingCL.Statistics.Experiments.

- Welch tests: scipy.stats.ttest_ind_from_stats(equal_var=False) for the absolute lift (an
  implementation independent of gbstats' formulas), the t quantile as a 40-digit mpmath root
  (scipy 1.10's t.ppf is only good to ~1e-10).
- Bayesian: 30-digit mpmath quadrature of the posterior integrals (not the closed form used in C#).
- SRM: scipy.stats.chisquare.
"""
import mpmath as mp
import numpy as np
from scipy import stats

from common import t_quantile, write


def moments(n, s, ss, proportion):
    mean = s / n
    var = mean * (1 - mean) if proportion else (ss - s * s / n) / (n - 1)
    return mean, var


welch = []
for name, a, b in [
    ("gbstats_means", (3407, 1396.87, 52377.9767, False), (3461, 2422.7, 134698.29, False)),
    ("gbstats_binomial", (28, 14, 14, True), (30, 16, 16, True)),
    ("small_unequal", (12, 30.5, 95.25, False), (9, 31.0, 121.5, False)),
    ("large_conversions", (250000, 25110, 25110, True), (248000, 25630, 25630, True)),
]:
    mean_a, var_a = moments(*a)
    mean_b, var_b = moments(*b)
    n_a, n_b = a[0], b[0]
    test = stats.ttest_ind_from_stats(mean_b, var_b ** 0.5, n_b, mean_a, var_a ** 0.5, n_a, equal_var=False)
    se = (var_b / n_b + var_a / n_a) ** 0.5
    dof = (var_b / n_b + var_a / n_a) ** 2 / (var_b ** 2 / (n_b ** 2 * (n_b - 1)) + var_a ** 2 / (n_a ** 2 * (n_a - 1)))
    half = t_quantile(0.975, dof) * se
    welch.append({
        "name": name, "control": list(a), "treatment": list(b),
        "estimate": mean_b - mean_a, "standard_error": se, "dof": dof,
        "lower": mean_b - mean_a - half, "upper": mean_b - mean_a + half, "pvalue": float(test.pvalue),
    })


def bayes(n_a, c_a, n_b, c_b):
    mp.mp.dps = 30
    aa, ba, ab, bb = mp.mpf(1 + c_a), mp.mpf(1 + n_a - c_a), mp.mpf(1 + c_b), mp.mpf(1 + n_b - c_b)
    pdf = lambda x, a, b: mp.exp((a - 1) * mp.log(x) + (b - 1) * mp.log(1 - x) - mp.log(mp.beta(a, b)))
    cdf = lambda x, a, b: mp.betainc(a, b, 0, x, regularized=True)
    mean_a, mean_b = aa / (aa + ba), ab / (ab + bb)
    sd = max(mp.sqrt(mean_a * (1 - mean_a) / (aa + ba)), mp.sqrt(mean_b * (1 - mean_b) / (ab + bb)))
    points = sorted(set([mp.mpf(0)] + [min(max(m + k * sd, mp.mpf(0)), mp.mpf(1)) for m in (mean_a, mean_b) for k in (-12, -4, -1, 0, 1, 4, 12)] + [mp.mpf(1)]))
    integrate = lambda f: mp.quad(f, points)
    chance = integrate(lambda x: pdf(x, ab, bb) * cdf(x, aa, ba))
    # E[(x - Y)+] = x F_Y(x) - E[Y] F_{Y+}(x), Y+ ~ Beta(a + 1, b).
    partial = lambda x, a, b: x * cdf(x, a, b) - a / (a + b) * cdf(x, a + 1, b)
    loss_control = integrate(lambda x: pdf(x, ab, bb) * partial(x, aa, ba))
    loss_treatment = integrate(lambda x: pdf(x, aa, ba) * partial(x, ab, bb))
    return {"control": [n_a, c_a], "treatment": [n_b, c_b], "chance_to_beat_control": float(chance),
            "loss_control": float(loss_control), "loss_treatment": float(loss_treatment)}


bayesian = [bayes(*c) for c in [(20, 0, 20, 1), (100, 10, 100, 15), (1000, 100, 1000, 120),
                                  (5000, 500, 5200, 480), (3000, 1396, 3461, 2422), (400, 399, 380, 375)]]

srm = []
for units, weights in [([1000, 1200], [0.5, 0.5]), ([5000, 5100, 4950], [1, 1, 1]), ([800, 200], [0.8, 0.2]),
                       ([1000, 1100, 30], [0.45, 0.45, 0.1]), ([10, 12, 0], [0.5, 0.5, 0.0])]:
    w = np.asarray(weights, dtype=float)
    u = np.asarray(units, dtype=float)
    positive = w > 0
    expected = w[positive] / w.sum() * u.sum()
    chi2 = float(np.sum((u[positive] - expected) ** 2 / expected))
    pvalue = float(stats.chi2.sf(chi2, len(units) - 1))
    if positive.all():
        check = stats.chisquare(u, w / w.sum() * u.sum())
        assert abs(check.pvalue - pvalue) <= 1e-12 * pvalue
    srm.append({"units": units, "weights": weights, "chi2": chi2, "pvalue": pvalue})

write("experiments.json", {"welch": welch, "bayesian": bayesian, "srm": srm})

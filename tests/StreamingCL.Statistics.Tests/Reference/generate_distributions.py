"""Reference values for StreamingCL.Statistics.Distributions, from scipy 1.10."""
import numpy as np
from scipy import special, stats

from common import t_quantile, write

cases = {}

xs = [-30.0, -20.0, -10.0, -5.0, -2.5, -1.0, -0.5, -1e-3, 0.0, 1e-3, 0.5, 1.0, 1.96, 3.0, 6.0, 9.0]
cases["normal_cdf"] = [{"x": x, "cdf": stats.norm.cdf(x), "sf": stats.norm.sf(x)} for x in xs]

ps = [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 1e-3, 0.025, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.999, 1 - 1e-10]
cases["normal_quantile"] = [{"p": p, "quantile": stats.norm.ppf(p)} for p in ps]

dofs = [0.5, 1.0, 1.5, 2.0, 3.7, 10.0, 29.5, 100.0, 1000.0, 6461.3, 1e5, 1e7]
ts = [-40.0, -5.0, -2.0, -0.3, 0.0, 0.7, 1.96, 3.0, 10.0, 100.0]
cases["t_cdf"] = [{"t": t, "dof": d, "cdf": stats.t.cdf(t, d), "sf": stats.t.sf(t, d)} for d in dofs for t in ts]
tps = [1e-12, 1e-6, 1e-3, 0.025, 0.3, 0.6, 0.975, 1 - 1e-6]


cases["t_quantile"] = [{"p": p, "dof": d, "quantile": t_quantile(p, d)} for d in dofs for p in tps]

chi = []
for k in [1.0, 2.0, 3.0, 7.0, 24.5, 100.0, 999.0]:
    for x in [1e-3, 0.5, 1.0, k, 2 * k, 5 * k + 50]:
        chi.append({"x": x, "dof": k, "sf": stats.chi2.sf(x, k), "cdf": stats.chi2.cdf(x, k)})
cases["chi2"] = chi

binom = []
for n, p in [(10, 0.5), (57, 0.3), (1000, 0.5), (100000, 0.5), (2000000, 0.01)]:
    mean = n * p
    sd = (n * p * (1 - p)) ** 0.5
    for z in [-8, -3, -1, 0, 0.5, 2, 6]:
        k = int(np.floor(mean + z * sd))
        if 0 <= k < n:
            binom.append({"k": k, "n": n, "p": p, "cdf": stats.binom.cdf(k, n, p)})
cases["binomial_cdf"] = binom

cases["kolmogorov_limiting"] = [{"x": x, "sf": special.kolmogorov(x)}
                                for x in [0.05, 0.2, 0.5, 0.8, 0.82, 0.83, 1.0, 1.36, 2.0, 4.0, 7.0]]

# kstwo.sf over every branch of Simard and L'Ecuyer's partition.
kstwo = []
for n in [1, 2, 3, 5, 10, 37, 140, 141, 500, 5000, 99999, 100001, 250000]:
    ds = set()
    for nd2 in [0.05, 0.3, 0.7, 0.76, 1.0, 2.0, 3.9, 4.1, 8.0, 30.0, 200.0]:
        ds.add((nd2 / n) ** 0.5)
    for t in [0.6, 0.9, 1.0, 1.5, n - 1.5, n - 0.5]:
        ds.add(t / n)
    ds.update([0.5, 0.51, 0.75])
    for d in sorted(ds):
        if 0 < d < 1:
            kstwo.append({"d": d, "n": n, "sf": stats.kstwo.sf(d, n)})
cases["kstwo_sf"] = kstwo

cases["binomtest"] = [{"k": k, "n": n, "pvalue": stats.binomtest(k, n, 0.5).pvalue}
                      for k, n in [(0, 1), (3, 10), (5, 10), (9, 10), (10, 10), (40, 100), (61, 100),
                                   (4900, 10000), (5110, 10000), (250, 1000)]]

write("distributions.json", cases)

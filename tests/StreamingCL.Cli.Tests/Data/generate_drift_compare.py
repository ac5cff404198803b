"""Writes reference.csv and current.csv for the drift compare tests and prints scipy's values for them.

Run with Debian's /usr/bin/python3 (numpy, scipy). The printed values are the expectations in
DriftCompareCommandTests.cs.
"""
import numpy as np
from scipy import stats

rng = np.random.default_rng(7)
ref_age = np.round(rng.normal(40, 10, 500), 2)
cur_age = np.round(rng.normal(45, 10, 400), 2)
ref_country = rng.choice(["DE", "FR", "IT"], 500, p=[0.5, 0.3, 0.2])
cur_country = rng.choice(["DE", "FR", "IT", "ES"], 400, p=[0.3, 0.3, 0.2, 0.2])
ref_score = np.round(rng.uniform(0, 1, 500), 3)
cur_score = np.round(rng.uniform(0, 1, 400), 3)

with open("reference.csv", "w") as f:
    f.write("age,country,score,only_in_reference\n")
    for a, c, s in zip(ref_age, ref_country, ref_score):
        f.write(f"{a},{c},{s},x\n")
with open("current.csv", "w") as f:
    # Other column order, quoted categories, one missing age: the reader must cope.
    f.write("score,age,country\n")
    for i, (a, c, s) in enumerate(zip(cur_age, cur_country, cur_score)):
        f.write(f'{s},{"" if i == 0 else a},"{c}"\n')

cur_age_present = cur_age[1:]
ks = stats.ks_2samp(ref_age, cur_age_present)
print("age ks", ks.statistic, ks.pvalue)
print("age wasserstein", stats.wasserstein_distance(ref_age, cur_age_present),
      stats.wasserstein_distance(ref_age, cur_age_present) / np.std(ref_age))
categories = ["DE", "FR", "IT", "ES"]
table = np.array([[np.sum(ref_country == c) for c in categories], [np.sum(cur_country == c) for c in categories]])
print("country chi2", stats.chi2_contingency(table, correction=False)[:3])
ks = stats.ks_2samp(ref_score, cur_score)
print("score ks", ks.statistic, ks.pvalue)

"""Shared helpers for the reference generators (run with Debian's /usr/bin/python3: scipy 1.10)."""
import json
import math
import os

import mpmath as mp
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))

# Deterministic samples that C# rebuilds bit for bit (tests/.../Reference/Samples.cs): sums of
# Weyl sequences use only +, -, *, floor, which IEEE 754 rounds identically in both languages.
WEYL = (0.6180339887498949, 0.41421356237309515, 0.7320508075688772)


def frac(x):
    return x - math.floor(x)


def sample(spec):
    """spec = {n, seed, scale, shift, grid}; grid > 0 rounds down to multiples of 1/grid (ties)."""
    values = []
    for i in range(spec["n"]):
        k = float(i + spec["seed"])
        u = frac(k * WEYL[0]) + frac(k * WEYL[1]) + frac(k * WEYL[2])
        x = (u - 1.5) * spec["scale"] + spec["shift"]
        if spec["grid"] > 0:
            x = math.floor(x * spec["grid"]) / spec["grid"]
        values.append(x)
    return values


def spec(n, seed, scale=1.0, shift=0.0, grid=0):
    return {"n": n, "seed": seed, "scale": scale, "shift": shift, "grid": grid}


def write(name, data):
    path = os.path.join(HERE, name)
    with open(path, "w") as f:
        json.dump(data, f, indent=1, allow_nan=False)
        f.write("\n")
    print("wrote", path)


def t_quantile(p, dof):
    """High-precision root of the t survival function: scipy's ppf is off by ~1e-9 for dof < 1."""
    mp.mp.dps = 40
    nu = mp.mpf(dof)
    q = mp.mpf(min(p, 1 - p))

    def sf(t):
        t2 = t * t
        x, y = nu / (nu + t2), t2 / (nu + t2)
        if x < 0.5:
            return mp.betainc(nu / 2, mp.mpf(0.5), 0, x, regularized=True) / 2
        return (1 - mp.betainc(mp.mpf(0.5), nu / 2, 0, y, regularized=True)) / 2

    start = mp.mpf(abs(stats.t.ppf(p, dof)))
    root = mp.findroot(lambda lt: mp.log(sf(mp.exp(lt))) - mp.log(q), mp.log(start))
    t = float(mp.exp(root))
    return -t if p < 0.5 else t

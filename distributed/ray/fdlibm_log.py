"""Natural logarithm with the same bits as JavaScript's Math.log in V8 and Node.

V8 computes Math.log with fdlibm's algorithm (reduction to [sqrt(2)/2, sqrt(2)],
s = f / (2 + f), a degree-14 polynomial in s). numpy's and libm's log differ from it in
the last bit for about 1% of arguments, and the engine's llr scores subtract numbers
near N ln N, so one ulp there shows in the 11th digit of a score. This vectorised
re-statement of fdlibm's e_log.c (Sun Microsystems, 1993; freely redistributable;
the algorithm and its constants) makes pairs.tsv's scores equal to the engine's.
Valid for finite x > 0 in the normal range (counts and ratios of counts).
"""
from __future__ import annotations

import numpy as np

LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10
LG = (
    6.666666666666735130e-01,
    3.999999999940941908e-01,
    2.857142874366239149e-01,
    2.222219843214978396e-01,
    1.818357216161805012e-01,
    1.531383769920937332e-01,
    1.479819860511658591e-01,
)


def js_log(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if np.any(~(x >= 2.2250738585072014e-308)) or np.any(~np.isfinite(x)):
        raise ValueError("js_log: arguments must be finite, positive and normal")
    bits = x.view(np.uint64)
    hx = (bits >> np.uint64(32)).astype(np.int64)
    lx = bits & np.uint64(0xFFFFFFFF)
    k = (hx >> 20) - 1023
    hx = hx & 0x000FFFFF
    i = (hx + 0x95F64) & 0x100000
    # x (or x/2) scaled into [sqrt(2)/2, sqrt(2)).
    high = (hx | (i ^ 0x3FF00000)).astype(np.uint64)
    xn = ((high << np.uint64(32)) | lx).view(np.float64)
    k = k + (i >> 20)
    f = xn - 1.0
    dk = k.astype(np.float64)
    out = np.empty_like(x)

    tiny = ((0x000FFFFF & (2 + hx)) < 3)  # |f| < 2**-20
    if np.any(tiny):
        ft, kt, dt = f[tiny], k[tiny], dk[tiny]
        r = ft * ft * (0.5 - 0.33333333333333333 * ft)
        res = np.where(kt == 0, ft - r, dt * LN2_HI - ((r - dt * LN2_LO) - ft))
        res = np.where(ft == 0, np.where(kt == 0, 0.0, dt * LN2_HI + dt * LN2_LO), res)
        out[tiny] = res
    rest = ~tiny
    if np.any(rest):
        f, k, dk, hx = f[rest], k[rest], dk[rest], hx[rest]
        s = f / (2.0 + f)
        z = s * s
        w = z * z
        t1 = w * (LG[1] + w * (LG[3] + w * LG[5]))
        t2 = z * (LG[0] + w * (LG[2] + w * (LG[4] + w * LG[6])))
        r = t2 + t1
        big = ((hx - 0x6147A) | (0x6B851 - hx)) > 0
        hfsq = 0.5 * f * f
        a = np.where(k == 0, f - (hfsq - s * (hfsq + r)), dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f))
        b = np.where(k == 0, f - s * (f - r), dk * LN2_HI - ((s * (f - r) - dk * LN2_LO) - f))
        out[rest] = np.where(big, a, b)
    return out

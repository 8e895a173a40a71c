#!/usr/bin/python3
"""Independent numpy implementation of the spectral TGV run (same method: rotational form, 2/3 rule,
RK4 with integrating factor, CFL dt from the first stage), written separately from the C code with
numpy's own FFTs and a plain (z, y, x) layout, as an oracle for whpc-cfd.

usage: tgv_numpy.py N T_END [CFL] -> prints "t Ek eps" at the final time (eps = 2 nu enstrophy)."""
import sys

import numpy as np

n, t_end = int(sys.argv[1]), float(sys.argv[2])
cfl = float(sys.argv[3]) if len(sys.argv) > 3 else 0.5
nu = 1.0 / 1600.0
x = np.arange(n) * 2 * np.pi / n
Z, Y, X = np.meshgrid(x, x, x, indexing="ij")
k = np.fft.fftfreq(n, 1.0 / n)
KZ, KY, KX = np.meshgrid(k, k, np.arange(n // 2 + 1), indexing="ij")
K = np.array([KX, KY, KZ])
K2 = KX**2 + KY**2 + KZ**2
K2safe = np.where(K2 == 0, 1, K2)
kmax = (n - 1) // 3
keep = (abs(KX) <= kmax) & (abs(KY) <= kmax) & (abs(KZ) <= kmax)


def fwd(a):
    return np.fft.rfftn(a) / n**3


def bwd(a):
    return np.fft.irfftn(a * n**3, s=(n, n, n))


def project(v):
    return (v - K * ((K * v).sum(0) / K2safe)) * keep


def nonlinear(v):
    om = np.array([1j * (KY * v[2] - KZ * v[1]), 1j * (KZ * v[0] - KX * v[2]), 1j * (KX * v[1] - KY * v[0])])
    u, w = [bwd(a) for a in v], [bwd(a) for a in om]
    umax = np.max(abs(u[0]) + abs(u[1]) + abs(u[2]))
    cross = [u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]]
    return project(np.array([fwd(c) for c in cross])), umax


U = project(np.array([fwd(np.sin(X) * np.cos(Y) * np.cos(Z)), fwd(-np.cos(X) * np.sin(Y) * np.cos(Z)), fwd(0 * X)]))
t, h = 0.0, 2 * np.pi / n
while t < t_end - 1e-12 * max(1.0, t_end):
    k1, umax = nonlinear(U)
    dt = min(cfl * h / umax, t_end - t)
    e1 = np.exp(-nu * K2 * dt / 2)
    e2 = e1 * e1
    k2, _ = nonlinear(e1 * (U + dt / 2 * k1))
    k3, _ = nonlinear(e1 * U + dt / 2 * k2)
    k4, _ = nonlinear(e2 * U + dt * e1 * k3)
    U = e2 * U + dt / 6 * (e2 * k1 + 2 * e1 * (k2 + k3) + k4)
    t += dt
wt = np.where(KX == 0, 0.5, 1.0)
a = (abs(U) ** 2).sum(0)
print(f"{t:.17g} {(wt * a).sum():.17g} {2 * nu * (wt * a * K2).sum():.17g}")

#!/usr/bin/python3
"""Linear reference solution of the Skamarock & Klemp (1994) gravity-wave case for whpc-climate.

Solves the compressible Euler equations linearised about the model's own hydrostatic background
(constant N = 0.01 s-1, theta0 = 300 K, p_s = 1000 hPa; a uniform wind U only translates the
solution) in a periodic channel with rigid lid and floor:

    rho_b du/dt = -dp'/dx                       dp'/dt = -w dp_b/dz - gamma p_b (du/dx + dw/dz)
    rho_b dw/dt = -dp'/dz - g rho'              drho'/dt = -d(rho_b u)/dx - d(rho_b w)/dz

* x: exact Fourier series of the periodic domain (the initial Lorentzian's coefficients by FFT of
  a 100 m sampling; modes down to 1e-7 of the mean: in practice all 1500, because the Lorentzian
  is not periodic on 300 km (a jump of 0.19 % of its peak at x = 0, present in the model too));
* z: for each wavenumber a second-order staggered discretisation with nzr = m * nz levels
  (m odd, so reference and model cell centres coincide; default dz_ref = H / (7 nz));
* t: exact, x(t) = V exp(lambda t) V^-1 x0 from the eigen-decomposition of each wavenumber's
  (real) matrix, no time-step error.
The vertical discretisation is the only approximation; `--check` repeats with 3 * nzr levels and
prints the difference (the reference's own error).

Initial state as in the model: u = w = 0, p' = 0 (pressure unperturbed), theta' given, so
rho' = -rho_b theta' / theta_b.

Usage: igw_reference.py NX NZ OUT.txt [--t 3000] [--m 7] [--check]
Output: '#' comments, a line "nx nz time", then nz rows (bottom first) of nx theta' values (K)
at the model's cell centres.
"""
import sys

import numpy as np
from scipy import sparse

G, RD, CP = 9.81, 287.0, 1004.5
CV = CP - RD
GAMMA = CP / CV
P0 = 1.0e5
TH0, NBV, PS = 300.0, 0.01, 1.0e5
LX, H, U0 = 300000.0, 10000.0, 20.0
DTH, A, XC = 0.01, 5000.0, 100000.0


def background(z):
    """rho_b, theta_b, p_b, dp_b/dz at heights z (as clim_background_eval, constant N)."""
    kap = RD / CP
    pis = (PS / P0) ** kap
    n2 = NBV * NBV
    th = TH0 * np.exp(n2 * z / G)
    ex = pis + G * G / (CP * TH0 * n2) * (np.exp(-n2 * z / G) - 1.0)
    p = P0 * ex ** (1.0 / kap)
    rho = p / (RD * th * ex)
    return rho, th, p, -rho * G


def mode_matrix(k, nzr):
    """Real sparse matrix of one wavenumber k. The unknowns are (u~, w, rho', p') with u = i u~,
    which makes the system real: d/dt u~ = -k p'/rho_b, and -ik rho_b u = k rho_b u~, etc."""
    dz = H / nzr
    zc = (np.arange(nzr) + 0.5) * dz
    zf = np.arange(1, nzr) * dz  # interior faces (w = 0 at z = 0 and H)
    rc, thc, pc, dpc = background(zc)
    rf = background(zf)[0]
    nu, nw = nzr, nzr - 1
    iu, iw, ir, ip = 0, nu, nu + nw, nu + nw + nzr
    n = ip + nzr
    rows, cols, vals = [], [], []

    def put(r, c, v):
        rows.extend(np.atleast_1d(r)); cols.extend(np.atleast_1d(c)); vals.extend(np.atleast_1d(v))

    j = np.arange(nzr)
    f = np.arange(nw)
    put(iu + j, ip + j, -k / rc)                       # rho_b du~/dt = -k p'
    put(iw + f, ip + f + 1, -1.0 / (dz * rf))          # rho_f dw/dt = -(p'_{j+1} - p'_j)/dz
    put(iw + f, ip + f, 1.0 / (dz * rf))
    put(iw + f, ir + f, -0.5 * G / rf)                 #   - g (rho'_j + rho'_{j+1})/2
    put(iw + f, ir + f + 1, -0.5 * G / rf)
    put(ir + j, iu + j, k * rc)                        # drho'/dt = -ik rho_b u - d(rho_f w)/dz
    put(ip + j, iu + j, GAMMA * pc * k)                # dp'/dt = -gamma p_b ik u ...
    jt = np.arange(nzr - 1)                            # cells with a top face inside (face jt)
    put(ir + jt, iw + jt, -rf[jt] / dz)
    put(ip + jt, iw + jt, -0.5 * dpc[jt] - GAMMA * pc[jt] / dz)
    jb = np.arange(1, nzr)                             # cells with a bottom face inside (face jb-1)
    put(ir + jb, iw + jb - 1, rf[jb - 1] / dz)
    put(ip + jb, iw + jb - 1, -0.5 * dpc[jb] + GAMMA * pc[jb] / dz)
    M = sparse.csr_matrix((vals, (rows, cols)), shape=(n, n))
    return M, (iu, iw, ir, ip), zc


def solve(nx, nz, t, m):
    nzr = m * nz
    dz = H / nzr
    zc = (np.arange(nzr) + 0.5) * dz
    rc, thc, pc, _ = background(zc)
    # Fourier coefficients of the Lorentzian in x (fine sampling of the periodic domain)
    nf = 3000
    xf = np.arange(nf) * (LX / nf)
    shape = 1.0 / (1.0 + ((xf - XC) / A) ** 2)
    ch = np.fft.rfft(shape) / nf  # shape(x) = sum_n c_n e^{i k_n x} (n >= 0, real signal)
    nmodes = int(np.max(np.nonzero(np.abs(ch) > 1e-7 * np.abs(ch[0]))) + 1)
    xm = (np.arange(nx) + 0.5) * (LX / nx)
    theta = np.zeros((nzr, nx))
    prof = DTH * np.sin(np.pi * zc / H)
    for nmode in range(nmodes):
        k = 2.0 * np.pi * nmode / LX
        M, (iu, iw, ir, ip), _ = mode_matrix(k, nzr)
        x0 = np.zeros(M.shape[0])
        x0[ir:ir + nzr] = -rc * prof / thc
        lam, V = np.linalg.eig(M.toarray())  # exact in time: x(t) = V exp(lam t) V^-1 x0
        xt = np.real(V @ (np.exp(lam * t) * np.linalg.solve(V, x0)))
        rho_p, p_p = xt[ir:ir + nzr], xt[ip:ip + nzr]
        big_theta_p = (rc * thc) * p_p / (GAMMA * pc)
        th_p = (big_theta_p - thc * rho_p) / rc  # vertical structure of this mode at time t (real)
        weight = 1.0 if nmode == 0 else 2.0  # real signal: the +/- n pair
        phase = np.exp(1j * k * (xm - U0 * t))
        theta += weight * np.real(np.outer(th_p, ch[nmode] * phase))
    # model cell centres are reference centres m//2, m//2 + m, ... (m odd)
    return theta[m // 2::m, :], nmodes, nzr


def main(argv):
    args, skip = [], False
    for a in argv[1:]:
        if skip:
            skip = False
        elif a in ("--t", "--m"):
            skip = True
        elif not a.startswith("--"):
            args.append(a)
    if len(args) != 3:
        sys.exit(__doc__)
    nx, nz, out = int(args[0]), int(args[1]), args[2]
    t = float(argv[argv.index("--t") + 1]) if "--t" in argv else 3000.0
    m = int(argv[argv.index("--m") + 1]) if "--m" in argv else 7
    if m % 2 == 0:
        sys.exit("--m must be odd")
    th, nmodes, nzr = solve(nx, nz, t, m)
    with open(out, "w") as f:
        f.write("# theta' (K) of the linear compressible solution, Skamarock & Klemp 1994 setup\n")
        f.write(f"# t = {t} s, {nmodes} Fourier modes, {nzr} vertical levels (dz = {H / nzr:g} m)\n")
        f.write(f"# generated by apps/climate/examples/igw_reference.py {nx} {nz}\n")
        f.write(f"{nx} {nz} {t}\n")
        for row in th:
            f.write(" ".join(f"{v:.9e}" for v in row) + "\n")
    print(f"{out}: max|theta'| = {np.max(np.abs(th)):.6f} K, {nmodes} modes, {nzr} levels")
    if "--check" in argv:
        th3, _, nzr3 = solve(nx, nz, t, 3 * m)
        err = np.sqrt(np.sum((th - th3) ** 2) / np.sum(th3 ** 2))
        print(f"vertical-discretisation check: {nzr} vs {nzr3} levels, relative L2 difference {err:.2e}")


if __name__ == "__main__":
    main(sys.argv)

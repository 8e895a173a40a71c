#!/usr/bin/python3
"""Quick-look PNGs of a whpc-cfd spectral run: dissipation vs the TGV reference, and E(k).

usage: plot_spectral.py OUTPUT_DIR [REFERENCE_CSV]
Reads OUTPUT_DIR/diagnostics.csv and OUTPUT_DIR/spectra.csv; writes dissipation.png and spectra.png.
Run with Debian's /usr/bin/python3 (numpy + matplotlib)."""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_csv(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return {k: [float(r[k]) for r in rows] for k in rows[0]} if rows else {}


def main():
    out = sys.argv[1]
    ref = sys.argv[2] if len(sys.argv) > 2 else ""
    d = read_csv(os.path.join(out, "diagnostics.csv"))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(d["t"], d["eps_2nu_enstrophy"], label="whpc 2ν·Ω")
    ax.plot(d["t"], d["minus_dEk_dt"], "--", label="whpc −dEk/dt")
    if ref and os.path.exists(ref):
        r = read_csv(ref)
        tmax = max(d["t"])
        t = [x for x in r["t"] if x <= tmax + 1e-9]
        ax.plot(t, r["eps_minus_dEkdt"][: len(t)], "k:", label="512³ spectral reference")
    ax.set_xlabel("t")
    ax.set_ylabel("dissipation")
    ax.set_title("Kinetic energy dissipation")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "dissipation.png"), dpi=110)
    print(os.path.join(out, "dissipation.png"))

    sp_path = os.path.join(out, "spectra.csv")
    if os.path.exists(sp_path):
        s = read_csv(sp_path)
        if s:
            fig, ax = plt.subplots(figsize=(7, 4.5))
            times = sorted(set(s["t"]))
            for tt in times:
                k = [s["k"][i] for i in range(len(s["t"])) if s["t"][i] == tt and s["E"][i] > 0]
                e = [s["E"][i] for i in range(len(s["t"])) if s["t"][i] == tt and s["E"][i] > 0]
                if k:
                    ax.loglog(k, e, label=f"t = {tt:g}")
            emax = max(s["E"])
            ax.set_ylim(emax * 1e-10, emax * 3)  # round-off level modes would hide the curve
            ax.set_xlabel("k")
            ax.set_ylabel("E(k)")
            ax.set_title("Energy spectrum")
            ax.legend()
            ax.grid(alpha=0.3, which="both")
            fig.tight_layout()
            fig.savefig(os.path.join(out, "spectra.png"), dpi=110)
            print(os.path.join(out, "spectra.png"))


if __name__ == "__main__":
    main()

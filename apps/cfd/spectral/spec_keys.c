/* spec_keys.c — configuration keys of the spectral solver (all under "spectral."). */
#include "cfd_spectral.h"

const whpc_cfg_key cfd_spectral_keys[] = {
    {"spectral.case", WHPC_CFG_ENUM, "tgv3d", "", WHPC_CFG_ANY, "tgv3d|tgv2d|isotropic",
     "tgv3d: Taylor-Green vortex in [0,2pi]^3 (compared with the 512^3 reference at nu = 1/1600); "
     "tgv2d: 2D Taylor-Green (exact decay); isotropic: random field, optionally Lundgren-forced"},
    {"spectral.n", WHPC_CFG_INT, "64", "", 2, 8192, NULL,
     "grid points per direction (even; with slabs a multiple of the rank count)"},
    {"spectral.decomposition", WHPC_CFG_ENUM, "auto", "", WHPC_CFG_ANY, "auto|slab|pencil",
     "slab: FFTW-MPI slabs (ranks <= n, n a multiple of ranks); pencil (3D): a p1 x p2 process grid with "
     "own transposes, any rank count up to n (n/2+1); auto: slab where it fits, else pencil"},
    {"spectral.nu", WHPC_CFG_REAL, "0.000625", "m2 s-1", WHPC_CFG_ANY, NULL,
     "kinematic viscosity (> 0; TGV Re = 1600 is 1/1600)"},
    {"spectral.inviscid", WHPC_CFG_BOOL, "false", "", WHPC_CFG_ANY, NULL,
     "run the Euler equations (nu ignored): energy conservation check"},
    {"spectral.t_end", WHPC_CFG_REAL, "10", "s", 0, 1e9, NULL, "simulated end time"},
    {"spectral.dt", WHPC_CFG_REAL, "0", "s", 0, 1e3, NULL, "fixed time step; 0 = from spectral.cfl"},
    {"spectral.cfl", WHPC_CFG_REAL, "0.5", "", 1e-6, 1.5, NULL,
     "CFL number dt * max(|u|+|v|+|w|) / dx (RK4 with 2/3-rule is stable to about 1.3)"},
    {"spectral.time_scheme", WHPC_CFG_ENUM, "rk4", "", WHPC_CFG_ANY, "rk4|rk3",
     "rk4: classical RK4 (stable to cfl ~1.3); rk3: Williamson low-storage RK3 (27 instead of 36 FFTs per "
     "step, stable to cfl ~0.8); both with the exact integrating factor for viscosity"},
    {"spectral.max_steps", WHPC_CFG_INT, "0", "", 0, 1e12, NULL, "stop at this step number, counted from t = 0 also after a restart (0 = no limit)"},
    {"spectral.spectrum_times", WHPC_CFG_REAL_LIST, "", "s", 0, 1e9, NULL,
     "times at which E(k) is written (first step at or after each; the final time always)"},
    {"spectral.planner", WHPC_CFG_ENUM, "measure", "", WHPC_CFG_ANY, "estimate|measure|patient",
     "FFTW planner effort (wisdom makes measure/patient a one-off per machine)"},
    {"spectral.wisdom_dir", WHPC_CFG_STRING, "", "", WHPC_CFG_ANY, NULL,
     "directory of FFTW wisdom files per (dim, n, ranks, planner); \"\" = $HOME/.cache/whpc/fftw, none = off"},
    {"spectral.forcing", WHPC_CFG_ENUM, "none", "", WHPC_CFG_ANY, "none|lundgren",
     "lundgren: linear forcing f = A u on all resolved modes (statistically steady isotropic turbulence)"},
    {"spectral.forcing_a", WHPC_CFG_REAL, "0", "s-1", 0, 1e6, NULL, "Lundgren coefficient A (> 0 with forcing = lundgren)"},
    {"spectral.energy", WHPC_CFG_REAL, "0.5", "m2 s-2", 1e-12, 1e12, NULL, "initial kinetic energy <|u|^2>/2 of case isotropic"},
    {"spectral.k0", WHPC_CFG_REAL, "4", "", 1, 1e4, NULL, "spectrum peak wavenumber of case isotropic"},
    {"spectral.seed", WHPC_CFG_INT, "1", "", 0, 1e15, NULL, "random seed of case isotropic (independent of ranks)"},
    {"spectral.reference", WHPC_CFG_STRING, "", "", WHPC_CFG_ANY, NULL,
     "TGV reference CSV t,Ek,eps,enstrophy; \"\" = the bundled 512^3 spectral data, none = no comparison"},
    {"spectral.write_fields", WHPC_CFG_BOOL, "false", "", WHPC_CFG_ANY, NULL,
     "write the final velocity field to fields.nc (NetCDF-4, CF-1.8)"},
    {"spectral.fft_pairs", WHPC_CFG_INT, "18", "", 0, 1000, NULL,
     "r2c+c2r pairs timed after the run for the figure of merit (0 = skip); 18 pairs = the FFTs of one RK4 step"},
};
const int cfd_spectral_nkeys = WHPC_NKEYS(cfd_spectral_keys);

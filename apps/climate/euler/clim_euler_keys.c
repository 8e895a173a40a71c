/* clim_euler_keys.c — configuration keys of model = euler (all "euler."). Keys whose default is
 * "case" take the case's value unless given (whpc_config_is_set). */
#include "clim_euler.h"
#include "clim_cases.h"

const whpc_cfg_key clim_euler_keys[] = {
    {"euler.case", WHPC_CFG_ENUM, "bubble", "", WHPC_CFG_ANY, CLIM_CASE_CHOICES,
     "bubble: Bryan & Fritsch 2002 dry thermal; straka: Straka et al. 1993 density current; igw: "
     "Skamarock & Klemp 1994 gravity waves; collide: colliding thermals; bubble3d: 3D warm bubble"},
    {"euler.nx", WHPC_CFG_INT, "0", "", 0, 1 << 24, NULL, "cells in x (0: case default)"},
    {"euler.ny", WHPC_CFG_INT, "0", "", 0, 1 << 24, NULL, "cells in y, 3D cases only (0: case default)"},
    {"euler.nz", WHPC_CFG_INT, "0", "", 0, 1 << 24, NULL, "cells in z (0: case default)"},
    {"euler.resolution", WHPC_CFG_REAL, "0", "m", 0, 1e7, NULL,
     "grid spacing in every direction; sets nx, ny, nz from the domain size (0: use euler.nx/ny/nz)"},
    {"euler.xlen", WHPC_CFG_REAL, "0", "m", 0, 1e8, NULL, "domain length in x (0: case default)"},
    {"euler.ylen", WHPC_CFG_REAL, "0", "m", 0, 1e8, NULL, "domain length in y, 3D (0: case default)"},
    {"euler.zlen", WHPC_CFG_REAL, "0", "m", 0, 1e6, NULL, "domain height (0: case default)"},
    {"euler.lateral_bc", WHPC_CFG_ENUM, "case", "", WHPC_CFG_ANY, "case|periodic|wall",
     "lateral boundaries: periodic or free-slip walls (case: the case's choice)"},
    {"euler.t_end", WHPC_CFG_REAL, "0", "s", 0, 1e9, NULL, "simulated time (0: case default)"},
    {"euler.dt", WHPC_CFG_REAL, "0", "s", 0, 1e6, NULL,
     "fixed time step (0: adaptive, dt = euler.cfl / max sum_d (|u_d| + c) / d_d each step)"},
    {"euler.cfl", WHPC_CFG_REAL, "0.8", "", 0.01, 1.4, NULL,
     "acoustic Courant number, summed over directions (stability limit of RK3 + 4th order ~1.2)"},
    {"euler.allow_unstable_dt", WHPC_CFG_BOOL, "false", "", WHPC_CFG_ANY, NULL,
     "accept a fixed euler.dt above the CFL limit (testing the blow-up detection only)"},
    {"euler.max_steps", WHPC_CFG_INT, "0", "", 0, 1e12, NULL,
     "stop after this many steps (benchmarks; 0: run to euler.t_end)"},
    {"euler.kdiff", WHPC_CFG_REAL, "0", "m2 s-1", 0, 1e6, NULL,
     "constant eddy viscosity/diffusivity of u, v, w and theta' (not set: case default, straka 75)"},
    {"euler.hyperviscosity", WHPC_CFG_REAL, "0.05", "", 0, 1, NULL,
     "4th-order hyperviscosity: fraction of a 2-dx wave removed per acoustic crossing of a cell"},
    {"euler.amplitude", WHPC_CFG_REAL, "0", "K", -1e4, 1e4, NULL,
     "initial perturbation amplitude (not set: case default: bubble 2, straka -15 (T'), igw 0.01, collide 20)"},
    {"euler.u0", WHPC_CFG_REAL, "0", "m s-1", -1e3, 1e3, NULL, "background wind in x (not set: case default, igw 20)"},
    {"euler.sponge_depth", WHPC_CFG_REAL, "0", "m", 0, 1e6, NULL, "Rayleigh damping layer of w below the lid (0: off)"},
    {"euler.sponge_rate", WHPC_CFG_REAL, "0.01", "s-1", 0, 100, NULL, "damping rate at the lid (sin^2 ramp)"},
    {"euler.procs", WHPC_CFG_INT_LIST, "0 0", "", 0, 1 << 20, NULL,
     "process grid: 2D cases (x z), 3D cases (x y), z is not split; 0: automatic"},
    {"euler.output_interval", WHPC_CFG_REAL, "0", "s", 0, 1e9, NULL,
     "simulated time between NetCDF outputs (not set: case default; 0 when set: no NetCDF)"},
    {"euler.diag_interval", WHPC_CFG_INT, "100", "", 1, 1e9, NULL, "steps between diagnostics lines"},
    {"euler.reference", WHPC_CFG_STRING, "", "", WHPC_CFG_ANY, NULL,
     "igw: text file with the linear reference theta' at euler.t_end on this grid (nz lines of nx values)"},
    {"euler.tolerance", WHPC_CFG_REAL, "0", "", 0, 1e3, NULL,
     "verdict tolerance override (igw: relative L2 error; 0: the case's documented tolerance)"},
};
const int clim_euler_nkeys = WHPC_NKEYS(clim_euler_keys);

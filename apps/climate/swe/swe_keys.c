/* swe_keys.c — the configuration keys of model = shallow_water_sphere (all "swe."). */
#include "clim_swe.h"

const whpc_cfg_key clim_swe_keys[] = {
    {"swe.case", WHPC_CFG_ENUM, "williamson2", "", WHPC_CFG_ANY,
     "williamson1|williamson2|williamson5|williamson6|orography",
     "Williamson et al. (1992) case 1 (cosine bell), 2 (steady zonal flow), 5 (mountain), 6 (Rossby-Haurwitz "
     "R=4), or a zonal flow over a topography file"},
    {"swe.resolution", WHPC_CFG_REAL, "2.8125", "deg", 0.05, 45, NULL,
     "grid spacing in longitude and latitude; 360 / resolution must be an even whole number (2.8125 = 128 x 64)"},
    {"swe.days", WHPC_CFG_REAL, "0", "days", 0, 3650, NULL,
     "simulated days (0 = the case's standard length: 12, 5, 15, 14, 10)"},
    {"swe.alpha", WHPC_CFG_REAL, "0", "rad", -6.3, 6.3, NULL,
     "flow angle of cases 1 and 2 (0 = zonal, 1.5207963267948966 = pi/2-0.05 over the poles)"},
    {"swe.dt", WHPC_CFG_REAL, "0", "s", 0, 1e6, NULL,
     "fixed time step (0 = automatic from swe.cfl); an error when above the stable limit"},
    {"swe.cfl", WHPC_CFG_REAL, "0.8", "", 0.01, 1, NULL,
     "automatic time step as a fraction of the estimated RK3 stability limit"},
    {"swe.filter", WHPC_CFG_BOOL, "true", "", WHPC_CFG_ANY, NULL,
     "FFT polar filter of the tendencies poleward of swe.filter_lat"},
    {"swe.filter_lat", WHPC_CFG_REAL, "60", "deg", 1, 89, NULL,
     "latitude poleward of which zonal waves are damped to the frequency they have there"},
    {"swe.advection", WHPC_CFG_ENUM, "auto", "", WHPC_CFG_ANY, "auto|centered|upwind3",
     "face value of h in the mass flux: centred (energy-consistent) or third-order upwind-biased; auto = "
     "upwind3 for williamson1 (pure advection), centered otherwise"},
    {"swe.dims", WHPC_CFG_INT_LIST, "0 0", "", 0, 1 << 20, NULL,
     "process grid (longitude latitude); 0 = automatic"},
    {"swe.output_every", WHPC_CFG_REAL, "24", "h", 0, 1e6, NULL,
     "simulated hours between NetCDF records (0 = first and last only)"},
    {"swe.diag_every", WHPC_CFG_REAL, "6", "h", 0, 1e6, NULL,
     "simulated hours between lines of diagnostics.csv (0 = first and last only)"},
    {"swe.topo_file", WHPC_CFG_STRING, "", "", WHPC_CFG_ANY, NULL,
     "CF NetCDF topography (m) on any regular lat/lon grid, regridded bilinearly (case orography)"},
    {"swe.topo_var", WHPC_CFG_STRING, "topo", "", WHPC_CFG_ANY, NULL, "variable name in swe.topo_file"},
    {"swe.topo_min", WHPC_CFG_REAL, "0", "m", -1e5, 1e5, NULL,
     "topography below this is raised to it (0: oceans become a flat bottom at sea level)"},
    {"swe.u0", WHPC_CFG_REAL, "20", "m s-1", 0, 200, NULL, "orography case: zonal wind at the equator"},
    {"swe.h0", WHPC_CFG_REAL, "10000", "m", 100, 1e5, NULL, "orography case: free-surface height at the equator"},
};
const int clim_swe_nkeys = WHPC_NKEYS(clim_swe_keys);

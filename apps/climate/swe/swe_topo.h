/* swe_topo.h — topography from a CF NetCDF file on any regular lat/lon grid, regridded
 * bilinearly to the model's cell centres. Serial (called on rank 0; the driver broadcasts). */
#ifndef SWE_TOPO_H
#define SWE_TOPO_H

/* Reads variable `var` (last two dimensions latitude and longitude, identified by their
 * coordinate variables' units degrees_north / degrees_east or names lat / lon; leading
 * dimensions must have length 1) and fills out[I + nlon*J] at lambda = I*360/nlon deg,
 * phi = -90 + (J+1/2)*180/nlat deg. Values below topo_min are raised to it; _FillValue
 * points become topo_min. Errors (WHPC_ERR_INPUT / WHPC_ERR_IO) name the file and what is wrong. */
int swe_topo_read(const char *path, const char *var, long nlon, long nlat, double topo_min, double *out);

#endif

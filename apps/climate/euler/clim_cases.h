/* clim_cases.h — the test cases of the euler core: defaults and initial states (no MPI). */
#ifndef CLIM_CASES_H
#define CLIM_CASES_H
#include "clim_model.h"

typedef enum { CLIM_CASE_BUBBLE = 0, CLIM_CASE_STRAKA, CLIM_CASE_IGW, CLIM_CASE_COLLIDE, CLIM_CASE_BUBBLE3D } clim_case_id;
#define CLIM_CASE_CHOICES "bubble|straka|igw|collide|bubble3d"

/* Case defaults; every entry can be overridden by a euler.* key. */
typedef struct {
  const char *name;
  const char *title;      /* NetCDF title */
  const char *reference;  /* literature reference */
  int ndim;
  long n[3];              /* cells x, y, z (y = 1 in 2D) */
  double len[3];          /* m */
  int periodic[2];        /* x, y */
  clim_background bg;
  double u0;
  double amplitude;       /* K */
  double t_end, out_interval; /* s */
  double kdiff;           /* m2 s-1 */
} clim_case;

const clim_case *clim_case_get(clim_case_id id);
/* Initial state on the owned cells (point values at cell centres; pressure unperturbed:
 * p' = 0, the density carries the buoyancy). */
void clim_case_init(clim_case_id id, const clim_case *cs, const clim_grid *g, const clim_params *p,
                    double *const q[]);
/* Initial theta' at (x, y, z) for case id (amplitude, geometry of cs). */
double clim_case_theta_prime(clim_case_id id, const clim_case *cs, const clim_params *p, double x, double y,
                             double z);

#endif

/* spec_solver.c — pseudo-spectral Navier-Stokes kernels on FFTW-MPI slabs (see spec_solver.h).
 * No MPI calls of our own: FFTW-MPI's transforms and wisdom exchange are the only communication. */
#include "spec_solver.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Signed wavenumber of index j on n points. */
static inline long wrapk(long j, long n) { return j <= n / 2 ? j : j - n; }

static unsigned plan_flags(cfd_spec_planner p) {
  return p == CFD_SPEC_PATIENT ? FFTW_PATIENT : p == CFD_SPEC_MEASURE ? FFTW_MEASURE : FFTW_ESTIMATE;
}

static void make_plans(cfd_spec *s, MPI_Comm comm, unsigned flags) {
  double *r = (double *)s->w[0];
  if (s->dim == 3) {
    s->fwd = fftw_mpi_plan_dft_r2c_3d(s->n, s->n, s->n, r, s->w[0], comm, flags | FFTW_MPI_TRANSPOSED_OUT);
    s->bwd = fftw_mpi_plan_dft_c2r_3d(s->n, s->n, s->n, s->w[0], r, comm, flags | FFTW_MPI_TRANSPOSED_IN);
  } else {
    s->fwd = fftw_mpi_plan_dft_r2c_2d(s->n, s->n, r, s->w[0], comm, flags);
    s->bwd = fftw_mpi_plan_dft_c2r_2d(s->n, s->n, s->w[0], r, comm, flags);
  }
}

int cfd_spec_create(MPI_Comm comm, int dim, long n, double nu, double forcing_a, cfd_spec_planner planner,
                    const cfd_pencil *pencil, cfd_spec *s) {
  memset(s, 0, sizeof(*s));
  fftw_mpi_init();
  s->dim = dim;
  s->ncomp = dim;
  s->n = n;
  s->nc = n / 2 + 1;
  s->n2p = 2 * s->nc;
  s->kmax = (n - 1) / 3;
  s->nu = nu;
  s->forcing_a = forcing_a;
  s->ry0 = 0;
  s->ryl = dim == 3 ? n : 1;
  if (pencil) {
    s->pencil = 1;
    s->pc = *pencil;
    s->alloc = cfd_pencil_alloc(n, pencil);
    s->ln0 = pencil->zl;
    s->l0 = pencil->z0;
    s->ry0 = pencil->y0;
    s->ryl = pencil->yl;
    s->lk = pencil->kyl;
    s->lk0 = pencil->ky0;
    s->kb = pencil->kxl; /* Fourier [ky][kx][kz]: the middle extent is kx, the inner kz */
  } else if (dim == 3) {
    s->alloc = fftw_mpi_local_size_3d_transposed(n, n, s->nc, comm, &s->ln0, &s->l0, &s->lk, &s->lk0);
    s->kb = n;
  } else {
    s->alloc = fftw_mpi_local_size_2d(n, s->nc, comm, &s->ln0, &s->l0);
    s->lk = s->ln0;
    s->lk0 = s->l0;
    s->kb = 1;
  }
  s->nmodes = (size_t)s->lk * (size_t)s->kb * (size_t)(s->pencil ? n : s->nc);
  int nw = dim == 3 ? 6 : 3;
  for (int c = 0; c < s->ncomp; c++) {
    s->u[c] = fftw_alloc_complex(s->alloc);
    s->acc[c] = fftw_alloc_complex(s->alloc);
    if (!s->u[c] || !s->acc[c]) return -1;
    memset(s->u[c], 0, sizeof(fftw_complex) * (size_t)s->alloc);
  }
  for (int c = 0; c < nw; c++) {
    s->w[c] = fftw_alloc_complex(s->alloc);
    if (!s->w[c]) return -1;
    memset(s->w[c], 0, sizeof(fftw_complex) * (size_t)s->alloc);
  }
  s->k2 = fftw_alloc_real(s->nmodes ? s->nmodes : 1);
  s->e1 = fftw_alloc_real(s->nmodes ? s->nmodes : 1);
  s->keep = malloc(s->nmodes ? s->nmodes : 1);
  size_t nm1 = s->nmodes ? s->nmodes : 1;
  s->kxm = malloc(sizeof(int) * nm1);
  s->kym = malloc(sizeof(int) * nm1);
  s->kzm = malloc(sizeof(int) * nm1);
  if (!s->k2 || !s->e1 || !s->keep || !s->kxm || !s->kym || !s->kzm) return -1;
  size_t m = 0;
  for (ptrdiff_t a = 0; a < s->lk; a++) {
    long ky = wrapk(s->lk0 + a, n);
    for (long b = 0; b < s->kb; b++) {
      long inner = s->pencil ? n : s->nc;
      for (long c = 0; c < inner; c++, m++) {
        long kx = s->pencil ? s->pc.kx0 + b : c;
        long kz = s->pencil ? wrapk(c, n) : dim == 3 ? wrapk(b, n) : 0;
        s->kxm[m] = (int)kx;
        s->kym[m] = (int)ky;
        s->kzm[m] = (int)kz;
        s->k2[m] = (double)(kx * kx + ky * ky + kz * kz);
        s->keep[m] = labs(kx) <= s->kmax && labs(ky) <= s->kmax && labs(kz) <= s->kmax;
      }
    }
  }

  if (s->pencil) {
    int rc = cfd_pencil_plan(&s->pc, n, s->alloc, s->w[0], plan_flags(planner));
    if (rc) return rc;
  } else {
    make_plans(s, comm, plan_flags(planner));
    if (!s->fwd || !s->bwd) return -2;
  }
  /* Planning may have scribbled over the buffers. */
  for (int c = 0; c < nw; c++) memset(s->w[c], 0, sizeof(fftw_complex) * (size_t)s->alloc);
  return 0;
}

void cfd_spec_destroy(cfd_spec *s) {
  if (s->pencil) cfd_pencil_destroy(&s->pc);
  if (s->fwd) fftw_destroy_plan(s->fwd);
  if (s->bwd) fftw_destroy_plan(s->bwd);
  for (int c = 0; c < 3; c++) {
    fftw_free(s->u[c]);
    fftw_free(s->acc[c]);
  }
  for (int c = 0; c < 6; c++) fftw_free(s->w[c]);
  fftw_free(s->k2);
  fftw_free(s->e1);
  free(s->keep);
  free(s->kxm);
  free(s->kym);
  free(s->kzm);
  memset(s, 0, sizeof(*s));
}

static void fft_fwd(cfd_spec *s, fftw_complex *buf) {
  double t0 = now();
  if (s->pencil)
    cfd_pencil_r2c(&s->pc, s->n, buf);
  else
    fftw_mpi_execute_dft_r2c(s->fwd, (double *)buf, buf);
  s->time_fft += now() - t0;
  s->nfft++;
}
static void fft_bwd(cfd_spec *s, fftw_complex *buf) {
  double t0 = now();
  if (s->pencil)
    cfd_pencil_c2r(&s->pc, s->n, buf);
  else
    fftw_mpi_execute_dft_c2r(s->bwd, buf, (double *)buf);
  s->time_fft += now() - t0;
  s->nfft++;
}

static long real_rows(const cfd_spec *s) { return (long)s->ln0 * (long)s->ryl; }

/* i z without a general complex multiply (which checks for NaN/Inf operands). */
static inline double complex mul_i(double complex z) { return CMPLX(-cimag(z), creal(z)); }

/* Loop over local modes with their wave vector: m runs 0..nmodes-1 in storage order. */
#define FOR_MODES(s, m, kx, ky, kz)                                                                \
  for (ptrdiff_t m = 0, m##end_ = (ptrdiff_t)(s)->nmodes; m < m##end_; m++)                        \
    for (long kx = (s)->kxm[m], ky = (s)->kym[m], kz = (s)->kzm[m], once_ = 1; once_; once_ = 0)

/* Scale by 1/n^d, apply the 2/3 rule and project onto divergence-free fields, on v[0..ncomp-1]. */
static void project_dealias(cfd_spec *s, fftw_complex *const *v, double scale) {
  if (s->dim == 3) {
    FOR_MODES(s, m, kx, ky, kz) {
      if (!s->keep[m] || s->k2[m] == 0.0) {
        v[0][m] = v[1][m] = v[2][m] = 0.0;
        continue;
      }
      double complex kv = ((double)kx * v[0][m] + (double)ky * v[1][m] + (double)kz * v[2][m]) / s->k2[m];
      v[0][m] = scale * (v[0][m] - (double)kx * kv);
      v[1][m] = scale * (v[1][m] - (double)ky * kv);
      v[2][m] = scale * (v[2][m] - (double)kz * kv);
    }
  } else {
    FOR_MODES(s, m, kx, ky, kz) {
      (void)kz;
      if (!s->keep[m] || s->k2[m] == 0.0) {
        v[0][m] = v[1][m] = 0.0;
        continue;
      }
      double complex kv = ((double)kx * v[0][m] + (double)ky * v[1][m]) / s->k2[m];
      v[0][m] = scale * (v[0][m] - (double)kx * kv);
      v[1][m] = scale * (v[1][m] - (double)ky * kv);
    }
  }
}

/* Vorticity i k x v of mode m of the stage velocity in w[0..ncomp-1], into w[ncomp..]. */
static inline void vorticity_mode(fftw_complex **w, int dim, ptrdiff_t m, long kx, long ky, long kz) {
  if (dim == 3) {
    double complex ux = w[0][m], uy = w[1][m], uz = w[2][m];
    w[3][m] = mul_i((double)ky * uz - (double)kz * uy);
    w[4][m] = mul_i((double)kz * ux - (double)kx * uz);
    w[5][m] = mul_i((double)kx * uy - (double)ky * ux);
  } else
    w[2][m] = mul_i((double)kx * w[1][m] - (double)ky * w[0][m]);
}

/* u x omega of the stage (velocity and vorticity in Fourier space in w) back into w[0..ncomp-1],
 * not yet normalised, projected or dealiased (the RK update does that per mode, in the same pass).
 * 9 FFTs in 3D, 5 in 2D. */
static void nonlinear_raw(cfd_spec *s) {
  fftw_complex **w = s->w;
  int nw = s->dim == 3 ? 6 : 3;
  for (int c = 0; c < nw; c++) fft_bwd(s, w[c]);
  long rows = real_rows(s), n = s->n, n2p = s->n2p;
  double umax = 0.0;
  double *r[6];
  for (int c = 0; c < nw; c++) r[c] = (double *)w[c];
  for (long row = 0; row < rows; row++) {
    size_t o = (size_t)row * (size_t)n2p;
    if (s->dim == 3) {
      double *ux = r[0] + o, *uy = r[1] + o, *uz = r[2] + o;
      const double *ox = r[3] + o, *oy = r[4] + o, *oz = r[5] + o;
      for (long i = 0; i < n; i++) {
        double a = ux[i], b = uy[i], c = uz[i];
        double sum = fabs(a) + fabs(b) + fabs(c);
        if (sum > umax) umax = sum;
        ux[i] = b * oz[i] - c * oy[i];
        uy[i] = c * ox[i] - a * oz[i];
        uz[i] = a * oy[i] - b * ox[i];
      }
    } else {
      double *ux = r[0] + o, *uy = r[1] + o;
      const double *oz = r[2] + o;
      for (long i = 0; i < n; i++) {
        double a = ux[i], b = uy[i];
        double sum = fabs(a) + fabs(b);
        if (sum > umax) umax = sum;
        ux[i] = b * oz[i];
        uy[i] = -a * oz[i];
      }
    }
  }
  s->umax_local = umax;
  for (int c = 0; c < s->ncomp; c++) fft_fwd(s, w[c]);
}

/* Mode m of the nonlinear term N = P[u x omega] / n^d (2/3 rule: zero outside the kept cube). */
static inline void nl_mode(const cfd_spec *s, ptrdiff_t m, long kx, long ky, long kz, double scale,
                           double complex nl[3]) {
  fftw_complex *const *w = s->w;
  if (!s->keep[m] || s->k2[m] == 0.0) {
    nl[0] = nl[1] = nl[2] = 0.0;
    return;
  }
  const double k[3] = {(double)kx, (double)ky, (double)kz};
  double complex kv = 0.0;
  for (int c = 0; c < s->ncomp; c++) kv += k[c] * w[c][m];
  kv /= s->k2[m];
  for (int c = 0; c < s->ncomp; c++) nl[c] = scale * (w[c][m] - k[c] * kv);
}

void cfd_spec_rk4_first(cfd_spec *s) {
  FOR_MODES(s, m, kx, ky, kz) {
    for (int c = 0; c < s->ncomp; c++) s->w[c][m] = s->u[c][m];
    vorticity_mode(s->w, s->dim, m, kx, ky, kz);
  }
  nonlinear_raw(s); /* k1 */
}

/* Classical RK4 on v = exp(-L t) u, L = -nu k^2 + A (A on resolved modes, k != 0): the linear part
 * is exact. Each stage is one pass over the modes: finish N (project, dealias, normalise), update
 * the accumulator and the next stage velocity, and its vorticity. */
void cfd_spec_rk4_finish(cfd_spec *s, double h) {
  fftw_complex **u = s->u, **acc = s->acc, **w = s->w;
  int nc = s->ncomp, dim = s->dim;
  double scale = 1.0 / pow((double)s->n, dim);
  double complex nl[3];
  for (size_t m = 0; m < s->nmodes; m++) {
    double lin = -s->nu * s->k2[m] + (s->k2[m] > 0.0 ? s->forcing_a : 0.0);
    s->e1[m] = exp(0.5 * h * lin);
  }
  FOR_MODES(s, m, kx, ky, kz) { /* k1 */
    double e1 = s->e1[m], e2 = e1 * e1;
    nl_mode(s, m, kx, ky, kz, scale, nl);
    for (int c = 0; c < nc; c++) {
      double complex uk = u[c][m];
      acc[c][m] = e2 * (uk + (h / 6.0) * nl[c]);
      w[c][m] = e1 * (uk + 0.5 * h * nl[c]);
    }
    vorticity_mode(w, dim, m, kx, ky, kz);
  }
  nonlinear_raw(s);
  FOR_MODES(s, m, kx, ky, kz) { /* k2 */
    double e1 = s->e1[m];
    nl_mode(s, m, kx, ky, kz, scale, nl);
    for (int c = 0; c < nc; c++) {
      acc[c][m] += (h / 3.0) * e1 * nl[c];
      w[c][m] = e1 * u[c][m] + 0.5 * h * nl[c];
    }
    vorticity_mode(w, dim, m, kx, ky, kz);
  }
  nonlinear_raw(s);
  FOR_MODES(s, m, kx, ky, kz) { /* k3 */
    double e1 = s->e1[m], e2 = e1 * e1;
    nl_mode(s, m, kx, ky, kz, scale, nl);
    for (int c = 0; c < nc; c++) {
      acc[c][m] += (h / 3.0) * e1 * nl[c];
      w[c][m] = e2 * u[c][m] + h * e1 * nl[c];
    }
    vorticity_mode(w, dim, m, kx, ky, kz);
  }
  nonlinear_raw(s);
  FOR_MODES(s, m, kx, ky, kz) { /* k4 */
    nl_mode(s, m, kx, ky, kz, scale, nl);
    for (int c = 0; c < nc; c++) u[c][m] = acc[c][m] + (h / 6.0) * nl[c];
  }
}

/* Williamson's (1980) 3-stage low-storage RK3 on v = exp(-L (t - t_n)) u: stage i evaluates N at
 * u_i = exp(L c_i h) v_i and adds exp(-L c_i h) N(u_i); u_{n+1} = exp(L h) v. v lives in u, the
 * 2N register q in acc. Three stages = 27 FFTs; stable for |lambda| h <= sqrt(3), i.e. cfl <= ~0.8. */
void cfd_spec_rk3_finish(cfd_spec *s, double h) {
  static const double A[3] = {0.0, -5.0 / 9.0, -153.0 / 128.0}, B[3] = {1.0 / 3.0, 15.0 / 16.0, 8.0 / 15.0},
                      C[3] = {0.0, 1.0 / 3.0, 3.0 / 4.0};
  fftw_complex **u = s->u, **q = s->acc, **w = s->w;
  int nc = s->ncomp, dim = s->dim;
  double scale = 1.0 / pow((double)s->n, dim);
  double complex nl[3];
  for (int st = 0; st < 3; st++) {
    double cin = C[st], cout = st < 2 ? C[st + 1] : 1.0;
    FOR_MODES(s, m, kx, ky, kz) {
      double lin = -s->nu * s->k2[m] + (s->k2[m] > 0.0 ? s->forcing_a : 0.0);
      double ein = cin > 0.0 ? exp(-lin * cin * h) : 1.0, eout = exp(lin * cout * h);
      nl_mode(s, m, kx, ky, kz, scale, nl);
      for (int c = 0; c < nc; c++) {
        double complex qq = (st == 0 ? 0.0 : A[st] * q[c][m]) + h * ein * nl[c];
        q[c][m] = qq;
        u[c][m] += B[st] * qq;
        if (st < 2) w[c][m] = eout * u[c][m];
        else u[c][m] *= eout;
      }
      if (st < 2) vorticity_mode(w, dim, m, kx, ky, kz);
    }
    if (st < 2) nonlinear_raw(s);
  }
}

/* Real-space fields of w[0..ncomp-1] -> state: forward FFT, normalise, dealias, project. */
static void state_from_real(cfd_spec *s) {
  for (int c = 0; c < s->ncomp; c++) fft_fwd(s, s->w[c]);
  project_dealias(s, s->w, 1.0 / pow((double)s->n, s->dim));
  for (int c = 0; c < s->ncomp; c++) {
    memset(s->u[c], 0, sizeof(fftw_complex) * (size_t)s->alloc);
    memcpy(s->u[c], s->w[c], sizeof(fftw_complex) * s->nmodes);
  }
}

void cfd_spec_init_tgv(cfd_spec *s) {
  long n = s->n, n2p = s->n2p;
  double h = 2.0 * M_PI / (double)n;
  double *r[3];
  for (int c = 0; c < s->ncomp; c++) r[c] = (double *)s->w[c];
  for (long p = 0; p < s->ln0; p++) {
    long ymax = (long)s->ryl;
    for (long q = 0; q < ymax; q++) {
      size_t o = ((size_t)p * (size_t)ymax + (size_t)q) * (size_t)n2p;
      double y, cz;
      if (s->dim == 3) {
        y = h * (double)(s->ry0 + q);
        cz = cos(h * (double)(s->l0 + p));
      } else {
        y = h * (double)(s->l0 + p);
        cz = 1.0;
      }
      for (long i = 0; i < n; i++) {
        double x = h * (double)i;
        r[0][o + i] = sin(x) * cos(y) * cz;
        r[1][o + i] = -cos(x) * sin(y) * cz;
        if (s->dim == 3) r[2][o + i] = 0.0;
      }
    }
  }
  state_from_real(s);
}

static uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

void cfd_spec_init_random(cfd_spec *s, double k0, unsigned long seed) {
  long n = s->n, n2p = s->n2p, ymax = (long)s->ryl, ny = s->dim == 3 ? n : 1;
  /* White noise hashed from (seed, component, global point): the same field on any rank count. */
  for (int c = 0; c < s->ncomp; c++) {
    double *r = (double *)s->w[c];
    for (long p = 0; p < s->ln0; p++)
      for (long q = 0; q < ymax; q++)
        for (long i = 0; i < n; i++) {
          uint64_t g = ((uint64_t)(s->l0 + p) * (uint64_t)ny + (uint64_t)(s->ry0 + q)) * (uint64_t)n + (uint64_t)i;
          uint64_t hsh = splitmix64(splitmix64((uint64_t)seed * 4 + (uint64_t)c) ^ g);
          r[((size_t)p * (size_t)ymax + (size_t)q) * (size_t)n2p + (size_t)i] =
              (double)(hsh >> 11) * 0x1.0p-53 - 0.5;
        }
  }
  state_from_real(s);
  /* White noise has E(k) ~ k^(d-1); shape it to k^4 exp(-2 (k/k0)^2). */
  double p = 0.5 * (4.0 - (double)(s->dim - 1));
  for (size_t m = 0; m < s->nmodes; m++) {
    double k = sqrt(s->k2[m]);
    double f = k > 0.0 ? pow(k, p) * exp(-(k / k0) * (k / k0)) : 0.0;
    for (int c = 0; c < s->ncomp; c++) s->u[c][m] *= f;
  }
}

void cfd_spec_scale(cfd_spec *s, double factor) {
  for (int c = 0; c < s->ncomp; c++)
    for (size_t m = 0; m < s->nmodes; m++) s->u[c][m] *= factor;
}

void cfd_spec_local_sums(const cfd_spec *s, double sums[3]) {
  double e = 0.0, z = 0.0, d2max = 0.0;
  FOR_MODES(s, m, kx, ky, kz) {
    double wt = kx == 0 ? 0.5 : 1.0; /* kx > 0 stands for its conjugate too */
    double a = 0.0;
    double complex div = 0.0;
    const double kk[3] = {(double)kx, (double)ky, (double)kz};
    for (int c = 0; c < s->ncomp; c++) {
      double complex v = s->u[c][m];
      a += creal(v) * creal(v) + cimag(v) * cimag(v);
      div += kk[c] * v;
    }
    e += wt * a;
    z += wt * a * s->k2[m];
    double d2 = creal(div) * creal(div) + cimag(div) * cimag(div);
    if (d2 > d2max) d2max = d2;
  }
  sums[0] = e;
  sums[1] = z;
  sums[2] = sqrt(d2max);
}

int cfd_spec_nbins(const cfd_spec *s) { return (int)(sqrt(3.0) * (double)(s->n / 2)) + 2; }

void cfd_spec_local_spectrum(const cfd_spec *s, double *bins, int nbins) {
  memset(bins, 0, sizeof(double) * (size_t)nbins);
  for (size_t m = 0; m < s->nmodes; m++) {
    double wt = s->kxm[m] == 0 ? 0.5 : 1.0;
    int shell = (int)floor(sqrt(s->k2[m]) + 0.5);
    if (shell >= nbins) continue;
    double a = 0.0;
    for (int c = 0; c < s->ncomp; c++)
      a += creal(s->u[c][m]) * creal(s->u[c][m]) + cimag(s->u[c][m]) * cimag(s->u[c][m]);
    bins[shell] += wt * a;
  }
}

void cfd_spec_velocity_real(cfd_spec *s, int c, double *dst) {
  memset(s->w[0], 0, sizeof(fftw_complex) * (size_t)s->alloc);
  memcpy(s->w[0], s->u[c], sizeof(fftw_complex) * s->nmodes);
  fft_bwd(s, s->w[0]);
  const double *r = (const double *)s->w[0];
  long rows = real_rows(s);
  for (long row = 0; row < rows; row++)
    memcpy(dst + (size_t)row * (size_t)s->n, r + (size_t)row * (size_t)s->n2p, sizeof(double) * (size_t)s->n);
}

double cfd_spec_time_fft_pairs(cfd_spec *s, int pairs) {
  /* Like a stage of the solver, transforms go through all work buffers in turn (c2r on each, then
   * r2c on each), so the data comes from memory as it does in the step, not from a hot cache. */
  int nw = s->dim == 3 ? 6 : 3;
  for (int c = 0; c < nw; c++) memset(s->w[c], 0, sizeof(fftw_complex) * (size_t)s->alloc);
  double t0 = now();
  for (int p0 = 0; p0 < pairs; p0 += nw) {
    int cnt = pairs - p0 < nw ? pairs - p0 : nw;
    for (int c = 0; c < cnt; c++) fft_bwd(s, s->w[c]);
    for (int c = 0; c < cnt; c++) fft_fwd(s, s->w[c]);
  }
  return now() - t0;
}

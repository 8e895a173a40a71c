/* spec_solver.h — triply periodic (3D) or doubly periodic (2D) Fourier pseudo-spectral
 * Navier-Stokes on [0, 2pi]^d: state, FFTW-MPI slab transforms, rotational-form nonlinear term,
 * 2/3-rule dealiasing, classical RK4 with an integrating factor for viscosity (and Lundgren forcing).
 *
 * Layouts (C order, last index fastest):
 *   slab (FFTW-MPI), real space, 3D: [z local][y][x padded to n2p = 2(n/2+1)]     2D: [y local][x padded]
 *                    Fourier,    3D: [ky local][kz][kx = 0..n/2] (FFTW_MPI_TRANSPOSED_OUT)   2D: [ky local][kx]
 *   pencil (3D only, spec_pencil.c): real [z local][y local][x padded], Fourier [ky local][kx local][kz]
 * The kernels see only "rows of x" in real space and a list of modes with their wave vector
 * (kxm/kym/kzm), so they do not depend on the decomposition.
 * Fourier coefficients are normalised: u(x) = sum_k u_k exp(i k.x).
 * Only the transforms communicate here (FFTW-MPI's transposes, or spec_pencil.c's all-to-alls over
 * the row/column communicators of a whpc_decomp process grid); reductions live in the driver. */
#ifndef CFD_SPEC_SOLVER_H
#define CFD_SPEC_SOLVER_H
#include <complex.h>
#include <mpi.h>
#include <stddef.h>
#include <fftw3-mpi.h>

/* Pencil transposes (spec_pencil.c): process grid p1 x p2; real space splits y over p1 and z over
 * p2, Fourier space kx over p1 and ky over p2 (whpc_block_range blocks, as whpc_decomp). */
typedef struct {
  int p1, p2, r1, r2;      /* grid and this rank's coordinates (r1 in row, r2 in col) */
  MPI_Comm row, col;       /* ranks sharing the z (resp. kx) block: the two transposes */
  ptrdiff_t y0, yl, z0, zl; /* real-space block */
  ptrdiff_t kx0, kxl, ky0, kyl; /* Fourier block */
  fftw_plan xf, xb, yf, yb, zf, zb; /* serial many-plans: r2c/c2r along x, c2c along y, z */
  fftw_complex *sbuf, *rbuf;        /* all-to-all buffers */
  int *c1s, *d1s, *c1r, *d1r;       /* counts/displacements (doubles) of the row exchange, fwd */
  int *c2s, *d2s, *c2r, *d2r;       /* and of the column exchange, fwd (bwd swaps send/recv) */
} cfd_pencil;

typedef struct {
  int dim, ncomp;          /* 2 or 3; velocity components (= dim) */
  int pencil;              /* 1: pencil transforms (spec_pencil.c), 0: FFTW-MPI slabs */
  cfd_pencil pc;
  long n;                  /* points per direction */
  long n2p, nc;            /* padded real row 2(n/2+1); complex row n/2+1 */
  ptrdiff_t alloc;         /* complex elements per buffer (fftw_mpi_local_size_*) */
  ptrdiff_t ln0, l0;       /* real space: local planes (z in 3D, y in 2D) and first plane */
  ptrdiff_t ry0, ryl;      /* real space, 3D: local y rows per plane and first (slab: 0, n) */
  ptrdiff_t lk, lk0;       /* Fourier space: local ky rows and first ky */
  long kb;                 /* middle Fourier extent: n (kz) in 3D, 1 in 2D */
  size_t nmodes;           /* local Fourier modes lk*kb*nc */
  long kmax;               /* dealiasing: keep |k_i| <= kmax = (n-1)/3 */
  double nu, forcing_a;    /* viscosity; Lundgren coefficient A (f = A u) */
  fftw_complex *u[3];      /* state */
  fftw_complex *acc[3];    /* RK4 accumulator */
  fftw_complex *w[6];      /* stage input / real-space u and omega / nonlinear term */
  int *kxm, *kym, *kzm;    /* wave vector of each local mode (storage order) */
  double *k2;              /* |k|^2 per local mode */
  unsigned char *keep;     /* 1 inside the 2/3-rule cube */
  double *e1;              /* exp(L h/2) per mode for the current step */
  fftw_plan fwd, bwd;      /* in-place r2c (transposed out) and c2r (transposed in) */
  double umax_local;       /* max_x sum_i |u_i| at the last nonlinear evaluation (CFL) */
  double time_fft;         /* seconds spent in FFTs (this rank) */
  long nfft;               /* transforms executed */
} cfd_spec;

typedef enum { CFD_SPEC_ESTIMATE = 0, CFD_SPEC_MEASURE = 1, CFD_SPEC_PATIENT = 2 } cfd_spec_planner;

/* Collective on comm: allocate and plan (after cfd_spec_wisdom_load, so planning reuses wisdom).
 * pencil: NULL = FFTW-MPI slabs; otherwise a pencil grid from cfd_pencil_setup (3D only; s takes
 * it over). Returns 0, -1 out of memory, -2 FFTW could not plan. */
int cfd_spec_create(MPI_Comm comm, int dim, long n, double nu, double forcing_a, cfd_spec_planner planner,
                    const cfd_pencil *pencil, cfd_spec *s);

/* spec_pencil.c. Not collective: blocks of a p1 x p2 grid at coordinates (r1, r2), given the row
 * and column communicators (ranks varying r1, resp. r2; their rank = the coordinate). */
void cfd_pencil_setup(long n, int p1, int p2, int r1, int r2, MPI_Comm row, MPI_Comm col, cfd_pencil *pc);
/* Complex elements each buffer needs. */
ptrdiff_t cfd_pencil_alloc(long n, const cfd_pencil *pc);
/* Collective: serial plans and exchange buffers; 0, -1 out of memory, -2 FFTW could not plan. */
int cfd_pencil_plan(cfd_pencil *pc, long n, ptrdiff_t alloc, fftw_complex *buf, unsigned flags);
void cfd_pencil_destroy(cfd_pencil *pc);
/* Collective: in-place unnormalised r2c (real x-pencils -> Fourier z-pencils) and c2r. */
void cfd_pencil_r2c(cfd_pencil *pc, long n, fftw_complex *buf);
void cfd_pencil_c2r(cfd_pencil *pc, long n, fftw_complex *buf);
void cfd_spec_destroy(cfd_spec *s);

/* Collective. Initial conditions (state dealiased and divergence-free). */
void cfd_spec_init_tgv(cfd_spec *s);
/* Isotropic random field with E(k) ~ k^4 exp(-2 (k/k0)^2), independent of the rank count;
 * the driver rescales it to the wanted energy with cfd_spec_scale. */
void cfd_spec_init_random(cfd_spec *s, double k0, unsigned long seed);
void cfd_spec_scale(cfd_spec *s, double factor);

/* Collective: RK4 split in two so the driver can reduce the CFL velocity between them.
 * first: k1 = N(u_n), sets umax_local. finish: the rest of the step with dt. */
void cfd_spec_rk4_first(cfd_spec *s);
void cfd_spec_rk4_finish(cfd_spec *s, double dt);
/* Collective: low-storage RK3 (Williamson) with the integrating factor, after cfd_spec_rk4_first
 * (whose k1 = N(u_n) is also RK3's first stage). */
void cfd_spec_rk3_finish(cfd_spec *s, double dt);

/* Not collective: local sums over owned modes. sums[0] = Ek = <|u|^2>/2,
 * sums[1] = enstrophy = <|omega|^2>/2, sums[2] = max |div u_k| (local max, not a sum). */
void cfd_spec_local_sums(const cfd_spec *s, double sums[3]);
/* Not collective: shell-binned E(k) (shell m holds m-1/2 <= |k| < m+1/2), nbins >= cfd_spec_nbins. */
int cfd_spec_nbins(const cfd_spec *s);
void cfd_spec_local_spectrum(const cfd_spec *s, double *bins, int nbins);

/* Collective: real-space velocity component c (0..ncomp-1) into dst, compact [planes][y][x]
 * (ln0 * (n or 1) * n doubles). Uses w[0] as scratch (call between steps). */
void cfd_spec_velocity_real(cfd_spec *s, int c, double *dst);

/* Collective: time `pairs` r2c + c2r pairs on the work buffers (destroys w), seconds. */
double cfd_spec_time_fft_pairs(cfd_spec *s, int pairs);

/* spec_wisdom.c — FFTW wisdom per (dim, n, ranks, planner) in a directory, reused across runs.
 * Collective: rank 0 reads the file and FFTW-MPI broadcasts it. *imported: 1 when wisdom was read. */
void cfd_spec_wisdom_path(const char *dir, int dim, long n, int ranks, cfd_spec_planner planner, int pencil,
                          char *buf, size_t len);
int cfd_spec_wisdom_load(MPI_Comm comm, const char *path, int *imported);
/* Collective: gather every rank's wisdom; rank 0 writes it atomically (temp + rename). 0 or -1 (rank 0 only). */
int cfd_spec_wisdom_save(MPI_Comm comm, const char *path);
#endif

# Spack recipe for whpc. Use from a site repo:  spack repo add <dir containing packaging/spack>
# after renaming the layout to <repo>/packages/whpc/package.py (Spack's repo layout), then
#   spack install whpc ~ai_infer        (variants: +cfd +climate +remote_sensing +ai_infer)
from spack.package import *


class Whpc(CMakePackage):
    """whpc: an MPI application suite (incompressible CFD, a nonhydrostatic and a shallow-water
    climate core, GDAL remote-sensing tile processing, ONNX inference on oneDNN) on a shared
    library, libwhpc (decomposition, halos, parallel NetCDF-4 I/O, checkpoints, reports)."""

    homepage = "https://example.org/whpc"
    git = "https://example.org/whpc.git"
    maintainers("whpc-team")
    license("UNKNOWN")

    version("main", branch="main")
    version("0.1.0", tag="v0.1.0")

    # one variant per application: each maps to the CMake option WHPC_WITH_<APP>
    variant("cfd", default=True, description="whpc-cfd: projection (PETSc, FFTW-MPI) and spectral DNS")
    variant("climate", default=True, description="whpc-climate: Euler and shallow-water cores (FFTW)")
    variant("remote_sensing", default=True, description="whpc-remote-sensing: GDAL tile processing")
    variant("ai_infer", default=True, description="whpc-ai-infer: ONNX models on oneDNN")

    depends_on("c", type="build")
    depends_on("cmake@3.25:", type="build")
    depends_on("pkgconfig", type="build")
    depends_on("mpi")
    # libwhpc's parallel NetCDF-4 (whpc::ncio) and the apps' field output
    depends_on("netcdf-c+mpi")
    depends_on("hdf5+mpi")
    depends_on("petsc+mpi", when="+cfd")
    depends_on("fftw+mpi", when="+cfd")
    depends_on("fftw", when="+climate")
    depends_on("gdal", when="+remote_sensing")
    depends_on("gdal", when="+ai_infer")
    depends_on("onednn", when="+ai_infer")
    depends_on("protobuf-c", when="+ai_infer")
    depends_on("cmocka", type="test")

    def cmake_args(self):
        return [
            self.define_from_variant("WHPC_WITH_CFD", "cfd"),
            self.define_from_variant("WHPC_WITH_CLIMATE", "climate"),
            self.define_from_variant("WHPC_WITH_REMOTE_SENSING", "remote_sensing"),
            self.define_from_variant("WHPC_WITH_AI_INFER", "ai_infer"),
            self.define("WHPC_BUILD_TESTS", self.run_tests),
            self.define("WHPC_WARNINGS_AS_ERRORS", False),
        ]

    def setup_run_environment(self, env):
        env.set("WHPC_ROOT", self.prefix)
        env.set("WHPC_JOBSCRIPTS", join_path(self.prefix, "share", "whpc", "jobscripts"))
        env.set("WHPC_EXAMPLES", join_path(self.prefix, "share", "whpc", "examples"))

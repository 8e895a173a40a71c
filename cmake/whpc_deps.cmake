# Dependencies as imported targets. Each app checks what it needs and is skipped
# with a message when a dependency is missing (scripts/install-deps.sh installs all).
find_package(MPI REQUIRED COMPONENTS C)
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_library(WHPC_LIBM m)

pkg_check_modules(PETSC IMPORTED_TARGET PETSc)
pkg_check_modules(FFTW3 IMPORTED_TARGET fftw3)
find_library(FFTW3_MPI_LIB fftw3_mpi)   # no .pc file on Debian
if(FFTW3_MPI_LIB AND TARGET PkgConfig::FFTW3 AND NOT TARGET whpc_fftw3_mpi)
  add_library(whpc_fftw3_mpi INTERFACE IMPORTED)
  target_link_libraries(whpc_fftw3_mpi INTERFACE ${FFTW3_MPI_LIB} PkgConfig::FFTW3 MPI::MPI_C)
endif()

# netCDF built for MPI (libnetcdf_mpi). Its CMake package sits beside the serial one;
# `pkg-config netcdf-mpi` omits the include dir, so a plain <netcdf.h> would be the serial header.
find_package(netCDF CONFIG QUIET NAMES netCDF_mpi netCDF
             PATHS /usr/lib/x86_64-linux-gnu/cmake/netCDF_mpi NO_DEFAULT_PATH)
find_path(NETCDF_MPI_INCLUDE_DIR netcdf_par.h PATHS /usr/lib/x86_64-linux-gnu/netcdf/mpi/include NO_DEFAULT_PATH)
find_library(NETCDF_MPI_LIB netcdf_mpi)
if(NETCDF_MPI_INCLUDE_DIR AND NETCDF_MPI_LIB AND NOT TARGET whpc_netcdf_mpi)
  add_library(whpc_netcdf_mpi INTERFACE IMPORTED)
  target_include_directories(whpc_netcdf_mpi INTERFACE ${NETCDF_MPI_INCLUDE_DIR})
  target_link_libraries(whpc_netcdf_mpi INTERFACE ${NETCDF_MPI_LIB} MPI::MPI_C)
endif()

find_package(GDAL CONFIG QUIET)
find_package(dnnl CONFIG QUIET)
pkg_check_modules(PROTOBUF_C IMPORTED_TARGET libprotobuf-c)
find_program(PROTOC_C_EXECUTABLE NAMES protoc-c)
pkg_check_modules(CMOCKA IMPORTED_TARGET cmocka)

# Install: libwhpc, headers, CMake package (find_package(whpc) -> whpc::core, whpc::ncio) and whpc.pc.
include(CMakePackageConfigHelpers)
set(whpc_export_targets whpc_core)
if(TARGET whpc_ncio)
  list(APPEND whpc_export_targets whpc_ncio)
endif()
install(TARGETS ${whpc_export_targets} EXPORT whpcTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY common/include/whpc DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT whpcTargets NAMESPACE whpc:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/whpc)
configure_package_config_file(cmake/whpcConfig.cmake.in ${CMAKE_BINARY_DIR}/whpcConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/whpc)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/whpcConfigVersion.cmake COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_BINARY_DIR}/whpcConfig.cmake ${CMAKE_BINARY_DIR}/whpcConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/whpc)
configure_file(cmake/whpc.pc.in ${CMAKE_BINARY_DIR}/whpc.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/whpc.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
install(DIRECTORY jobscripts/ DESTINATION ${CMAKE_INSTALL_DATADIR}/whpc/jobscripts OPTIONAL
        USE_SOURCE_PERMISSIONS)
# Lmod modulefile for this prefix: share/modulefiles/whpc/<version>.lua (`module use <prefix>/share/modulefiles`).
# Filled at install time, so `cmake --install build --prefix /other` gets /other.
install(CODE "
  set(WHPC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  set(WHPC_VERSION \"${PROJECT_VERSION}\")
  set(WHPC_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
  configure_file(\"${CMAKE_SOURCE_DIR}/packaging/whpc.lua.in\"
                 \"\${CMAKE_INSTALL_PREFIX}/share/modulefiles/whpc/${PROJECT_VERSION}.lua\" @ONLY)
  message(STATUS \"Installing: \${CMAKE_INSTALL_PREFIX}/share/modulefiles/whpc/${PROJECT_VERSION}.lua\")
")

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

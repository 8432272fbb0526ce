# `cpack -G DEB` (run in the build directory) makes a Debian package with
# parity-workbench, parity-train, parity-serve-sim, the bundled base-model weights, the config
# files, a desktop entry and an icon. Runtime dependencies come from
# dpkg-shlibdeps; OpenBLAS is named because LibTorch reaches it through
# Debian's BLAS alternatives, not through a direct link (docs/BEHAVIOUR.md §8).
if(TARGET parity-workbench)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/parity-workbench.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/parity-workbench.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/parity-workbench.png
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/256x256/apps)
endif()

set(CPACK_PACKAGE_NAME "parity-workbench")
set(CPACK_PACKAGE_VENDOR "Parity Workbench developers")
set(CPACK_PACKAGE_CONTACT "Parity Workbench developers <parity-workbench@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Workbench for training parity models (learned coded computation)")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_INSTALL_DIRECTORY "parity-workbench")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-pthread")
# The stand-ins (cmake/SkipUnusedLibraries.cmake) fit the LibTorch the
# programs were built against; a later one may call a library they stand in
# for, and the programs would then not start. A package that carries them
# depends on exactly that LibTorch's Debian version.
set(PARITY_DEB_LIBTORCH_PIN "")
if(PARITY_SKIPPED_LIBRARIES AND PARITY_SKIPPED_LIBRARY_ORIGIN_PATH)
  parity_locations(_parity_torch torch_cpu)
  if(_parity_torch)
    file(REAL_PATH "${_parity_torch}" _parity_torch)
    execute_process(COMMAND dpkg-query -S "${_parity_torch}" OUTPUT_VARIABLE _parity_owner
                    RESULT_VARIABLE _parity_rc ERROR_QUIET)
    # "libtorch1.13:amd64: /usr/lib/x86_64-linux-gnu/libtorch_cpu.so.1.13"
    if(_parity_rc EQUAL 0 AND _parity_owner MATCHES "^([^:, ]+)(:[^:, ]+)?: ")
      set(_parity_package "${CMAKE_MATCH_1}")
      execute_process(COMMAND dpkg-query -W "-f=\${Version}" "${_parity_package}${CMAKE_MATCH_2}"
                      OUTPUT_VARIABLE _parity_version RESULT_VARIABLE _parity_rc ERROR_QUIET)
      if(_parity_rc EQUAL 0 AND _parity_version)
        set(PARITY_DEB_LIBTORCH_PIN "${_parity_package} (= ${_parity_version})")
        string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", ${PARITY_DEB_LIBTORCH_PIN}")
      endif()
    endif()
  endif()
  if(NOT PARITY_DEB_LIBTORCH_PIN)
    message(STATUS "LibTorch (${_parity_torch}) is not from a Debian package: a .deb would carry "
                   "stand-ins for its unused libraries without naming the LibTorch they fit")
  endif()
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "dataset-fashion-mnist")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Train parity models for learned coded computation.\n A model F serves predictions on several servers; k queries are encoded\n into a parity query, a parity model runs on it, and a decoder rebuilds a\n missing prediction. This package holds the Qt 6 workbench\n (parity-workbench) and the headless trainer (parity-train).")
include(CPack)

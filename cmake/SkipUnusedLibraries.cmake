# Libraries that LibTorch names but never calls are not loaded (issue 12, item 4).
#
# Debian's LibTorch 1.13 lists OpenCV (12 libraries), FFmpeg (5), LevelDB,
# LMDB, Snappy and ZeroMQ in its DT_NEEDED without importing a single symbol
# from them; through their own dependencies (GDAL, HDF, Poppler, GStreamer,
# Qt 5, ...) every program that links LibTorch loaded 288 shared libraries,
# 224 of them for nothing, and spent about 0.25 s of a 0.8 s start-up doing it
# on a 2-core VM (docs/PERFORMANCE.md section 7).
#
# scripts/unused-libraries.sh finds those names: LibTorch's DT_NEEDED entries
# that export no symbol LibTorch imports, and that nothing else the programs
# link or may dlopen (Qt's libraries and plugins) needs. For each, an empty
# shared object with that soname is built into PARITY_SKIPPED_LIBRARY_DIR, and
# the programs carry that folder in DT_RPATH (not RUNPATH: only the
# executable's DT_RPATH applies to the dependencies of its libraries), so the
# loader finds the empty one first and goes no further. The linker checks
# every library of the link against them (a missing symbol fails the build),
# and a test starts each program with LD_BIND_NOW=1.
#
# Nothing changes where LibTorch names nothing unused (an upstream LibTorch),
# or with -DPARITY_SKIP_UNUSED_LIBRARIES=OFF.
#
# Sets PARITY_SKIPPED_LIBRARIES (the sonames), PARITY_SKIPPED_LIBRARY_COUNT and
# PARITY_SKIPPED_LIBRARY_DIR, and defines parity_skip_unused_libraries(PROGRAM
# INSTALLED_IN) for each installed program.

option(PARITY_SKIP_UNUSED_LIBRARIES "Do not load the libraries LibTorch names but never calls" ON)
set(PARITY_SKIPPED_LIBRARY_DIR "${PROJECT_BINARY_DIR}/parity-skipped-libraries")
set(PARITY_SKIPPED_LIBRARY_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/parity-workbench/parity-skipped-libraries")
set(PARITY_SKIPPED_LIBRARIES "")

if(PARITY_SKIP_UNUSED_LIBRARIES AND CMAKE_SYSTEM_NAME STREQUAL "Linux")
  set(_libs "")
  foreach(_t torch torch_cpu c10)
    if(TARGET ${_t})
      get_target_property(_loc ${_t} LOCATION)
      if(_loc)
        list(APPEND _libs "${_loc}")
      endif()
    endif()
  endforeach()
  set(_roots "")
  foreach(_t ZLIB::ZLIB JPEG::JPEG PNG::PNG Qt6::Core Qt6::Gui Qt6::Widgets Qt6::PrintSupport Qt6::Concurrent
             Qt6::Test QCustomPlotQt6::QCustomPlotQt6)
    if(TARGET ${_t})
      get_target_property(_loc ${_t} LOCATION)
      if(_loc)
        list(APPEND _roots "${_loc}")
      endif()
    endif()
  endforeach()
  if(LIBDEFLATE_LIBRARY)
    list(APPEND _roots "${LIBDEFLATE_LIBRARY}")
  endif()
  if(QT6_INSTALL_PREFIX AND QT6_INSTALL_PLUGINS)
    file(GLOB_RECURSE _plugins "${QT6_INSTALL_PREFIX}/${QT6_INSTALL_PLUGINS}/*.so")
    list(APPEND _roots ${_plugins})
  endif()

  # The answer depends only on these files: kept in the cache until one changes.
  set(_key "")
  foreach(_f IN LISTS _libs _roots)
    file(TIMESTAMP "${_f}" _stamp "%s" UTC)
    string(APPEND _key "${_f}@${_stamp};")
  endforeach()
  string(SHA1 _key "${_key}")
  if(_libs AND NOT "${_key}" STREQUAL "${PARITY_SKIPPED_LIBRARIES_KEY}")
    message(STATUS "Finding the libraries LibTorch names but never calls")
    execute_process(COMMAND sh "${PROJECT_SOURCE_DIR}/scripts/unused-libraries.sh" ${_libs} -- ${_roots}
                    OUTPUT_VARIABLE _found RESULT_VARIABLE _rc ERROR_VARIABLE _err)
    if(NOT _rc EQUAL 0)
      message(WARNING "scripts/unused-libraries.sh failed (${_err}); every library LibTorch names is loaded")
      set(_found "")
    endif()
    string(REGEX REPLACE "\n+$" "" _found "${_found}")
    string(REPLACE "\n" ";" _found "${_found}")
    set(PARITY_SKIPPED_LIBRARIES_FOUND "${_found}" CACHE INTERNAL "")
    set(PARITY_SKIPPED_LIBRARIES_KEY "${_key}" CACHE INTERNAL "")
  endif()
  set(PARITY_SKIPPED_LIBRARIES ${PARITY_SKIPPED_LIBRARIES_FOUND})
endif()

list(LENGTH PARITY_SKIPPED_LIBRARIES PARITY_SKIPPED_LIBRARY_COUNT)

# Stand-ins no longer wanted go; the others are built once.
file(GLOB _old "${PARITY_SKIPPED_LIBRARY_DIR}/*")
foreach(_f IN LISTS _old)
  get_filename_component(_name "${_f}" NAME)
  if(NOT _name IN_LIST PARITY_SKIPPED_LIBRARIES)
    file(REMOVE "${_f}")
  endif()
endforeach()
if(PARITY_SKIPPED_LIBRARIES)
  message(STATUS "Libraries LibTorch names but never calls, not loaded (${PARITY_SKIPPED_LIBRARY_COUNT}): "
                 "${PARITY_SKIPPED_LIBRARIES}")
  file(MAKE_DIRECTORY "${PARITY_SKIPPED_LIBRARY_DIR}")
  set(_empty "${PROJECT_BINARY_DIR}/CMakeFiles/parity-skipped-library.cpp")
  file(WRITE "${_empty}" "// An empty stand-in for a library LibTorch names but never calls.\n")
  foreach(_name IN LISTS PARITY_SKIPPED_LIBRARIES)
    if(NOT EXISTS "${PARITY_SKIPPED_LIBRARY_DIR}/${_name}")
      execute_process(COMMAND "${CMAKE_CXX_COMPILER}" -shared -nostdlib -fPIC -o "${PARITY_SKIPPED_LIBRARY_DIR}/${_name}"
                              "-Wl,-soname,${_name}" "${_empty}" RESULT_VARIABLE _rc ERROR_VARIABLE _err)
      if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "Could not build the empty stand-in ${_name}: ${_err}")
      endif()
    endif()
    install(FILES "${PARITY_SKIPPED_LIBRARY_DIR}/${_name}" DESTINATION "${PARITY_SKIPPED_LIBRARY_INSTALL_DIR}")
  endforeach()
  # Every program built from here on (the programs, tests and benchmarks) loads
  # the stand-ins: the tests check what users run.
  add_link_options("LINKER:--disable-new-dtags")
  list(APPEND CMAKE_BUILD_RPATH "${PARITY_SKIPPED_LIBRARY_DIR}")
  # Installing relinks a program for its install RPATH. The alternative, CMake
  # editing the file in place, pads the build RPATH with empty entries, which
  # ld.so reads as the current directory.
  set(CMAKE_NO_BUILTIN_CHRPATH ON)
endif()

# The installed PROGRAM, in INSTALLED_IN (relative to the prefix), finds the
# installed stand-ins relative to itself.
function(parity_skip_unused_libraries program installed_in)
  if(PARITY_SKIPPED_LIBRARIES)
    file(RELATIVE_PATH _rel "${CMAKE_INSTALL_PREFIX}/${installed_in}"
         "${CMAKE_INSTALL_PREFIX}/${PARITY_SKIPPED_LIBRARY_INSTALL_DIR}")
    set_target_properties(${program} PROPERTIES INSTALL_RPATH "$ORIGIN/${_rel}")
  endif()
endfunction()

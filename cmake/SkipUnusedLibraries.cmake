# Libraries that LibTorch names but never calls are not loaded (issue 12, item 4).
#
# Debian's LibTorch 1.13 lists OpenCV (12 libraries), FFmpeg (5), LevelDB,
# LMDB, Snappy and ZeroMQ in its DT_NEEDED without importing a single symbol
# from them; through their own dependencies (GDAL, HDF, Poppler, GStreamer,
# Qt 5, ...) every program that links LibTorch loaded 286 shared libraries
# where 42 do the work, and spent about 0.25 s of a 0.8 s start-up doing it on
# a 2-core VM (docs/PERFORMANCE.md section 7).
#
# scripts/unused-libraries.sh finds those names: LibTorch's DT_NEEDED entries
# that export no symbol LibTorch imports, and that nothing else the programs
# link or may dlopen (zlib, libjpeg, libpng, libdeflate, Qt's libraries and
# plugins, glibc's name-service modules) needs. For each, an empty shared
# object with that soname is built into PARITY_SKIPPED_LIBRARY_DIR, and the
# programs carry that folder in DT_RPATH (not RUNPATH: only the executable's
# DT_RPATH applies to the dependencies of its libraries), so the loader finds
# the empty one first and goes no further. The linker checks every library of
# a link against them (a missing symbol fails the build), and a test starts
# each program with LD_BIND_NOW=1.
#
# Which programs: parity-train and parity-serve-sim, and the tests and
# benchmarks that do not use Qt. The workbench and the Qt tests load every
# library: a GUI process dlopens what no configure step can see (GL drivers,
# platform themes, input methods, their own dependencies).
#
# Nothing changes where LibTorch names nothing unused (an upstream LibTorch),
# or with -DPARITY_SKIP_UNUSED_LIBRARIES=OFF.
#
# Sets PARITY_SKIPPED_LIBRARIES (the sonames), PARITY_SKIPPED_LIBRARY_COUNT and
# PARITY_SKIPPED_LIBRARY_DIR; defines parity_skip_unused_libraries(PROGRAM)
# for an installed program and parity_load_every_library(TARGET).

option(PARITY_SKIP_UNUSED_LIBRARIES "Do not load the libraries LibTorch names but never calls" ON)

# Installed programs live in libexec/parity-workbench, the stand-ins in
# lib/parity-workbench/parity-skipped-libraries; in the build tree the
# programs live two folders down (app/<program>), and the stand-ins where the
# same relative path leads, so one $ORIGIN RPATH serves both trees.
file(RELATIVE_PATH _parity_rel "${CMAKE_INSTALL_FULL_LIBEXECDIR}/parity-workbench"
     "${CMAKE_INSTALL_FULL_LIBDIR}/parity-workbench/parity-skipped-libraries")
get_filename_component(PARITY_SKIPPED_LIBRARY_DIR "${PROJECT_BINARY_DIR}/app/program/${_parity_rel}" ABSOLUTE)
string(FIND "${PARITY_SKIPPED_LIBRARY_DIR}/" "${PROJECT_BINARY_DIR}/" _inside)
if(NOT _inside EQUAL 0)
  # An install layout whose relative path leaves the build tree: the build
  # tree keeps its own folder, and the installed programs load everything.
  set(PARITY_SKIPPED_LIBRARY_DIR "${PROJECT_BINARY_DIR}/parity-skipped-libraries")
  set(_parity_rel "")
endif()
set(PARITY_SKIPPED_LIBRARY_ORIGIN_PATH "${_parity_rel}")

# parity_locations(OUT TARGET...): the files of those imported targets that exist here.
function(parity_locations out)
  set(found "")
  foreach(t IN LISTS ARGN)
    if(TARGET ${t})
      get_target_property(location ${t} LOCATION)
      if(location)
        list(APPEND found "${location}")
      endif()
    endif()
  endforeach()
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

set(PARITY_SKIPPED_LIBRARIES "")
if(PARITY_SKIP_UNUSED_LIBRARIES AND CMAKE_SYSTEM_NAME STREQUAL "Linux")
  parity_locations(_libs torch torch_cpu c10)
  parity_locations(_roots ZLIB::ZLIB JPEG::JPEG PNG::PNG Qt6::Core Qt6::Gui Qt6::Widgets Qt6::PrintSupport
                   Qt6::Concurrent Qt6::Test QCustomPlotQt6::QCustomPlotQt6)
  if(LIBDEFLATE_LIBRARY)
    list(APPEND _roots "${LIBDEFLATE_LIBRARY}")
  endif()
  if(QT6_INSTALL_PREFIX AND QT6_INSTALL_PLUGINS)
    file(GLOB_RECURSE _plugins CONFIGURE_DEPENDS "${QT6_INSTALL_PREFIX}/${QT6_INSTALL_PLUGINS}/*.so")
    list(APPEND _roots ${_plugins})
  endif()
  set(_script "${PROJECT_SOURCE_DIR}/scripts/unused-libraries.sh")
  # A new version of any of these files reconfigures the build.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_libs} ${_roots} "${_script}")

  # The answer depends only on these files and the script: kept in the cache
  # until one of them changes.
  file(SHA1 "${_script}" _key)
  foreach(_f IN LISTS _libs _roots)
    file(TIMESTAMP "${_f}" _stamp "%s" UTC)
    string(APPEND _key ";${_f}@${_stamp}")
  endforeach()
  string(SHA1 _key "${_key}")
  if(_libs AND NOT "${_key}" STREQUAL "${PARITY_SKIPPED_LIBRARIES_KEY}")
    message(STATUS "Finding the libraries LibTorch names but never calls")
    execute_process(COMMAND sh "${_script}" ${_libs} -- ${_roots} OUTPUT_VARIABLE _found RESULT_VARIABLE _rc
                    ERROR_VARIABLE _err)
    if(_rc EQUAL 0)
      string(REGEX REPLACE "\n+$" "" _found "${_found}")
      string(REPLACE "\n" ";" _found "${_found}")
      set(PARITY_SKIPPED_LIBRARIES_FOUND "${_found}" CACHE INTERNAL "")
      set(PARITY_SKIPPED_LIBRARIES_KEY "${_key}" CACHE INTERNAL "")
    else()
      # Not cached: the next configure tries again.
      message(WARNING "scripts/unused-libraries.sh failed (${_err}); every library LibTorch names is loaded")
      set(PARITY_SKIPPED_LIBRARIES_FOUND "" CACHE INTERNAL "")
      unset(PARITY_SKIPPED_LIBRARIES_KEY CACHE)
    endif()
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
    if(PARITY_SKIPPED_LIBRARY_ORIGIN_PATH)
      install(FILES "${PARITY_SKIPPED_LIBRARY_DIR}/${_name}"
              DESTINATION "${CMAKE_INSTALL_LIBDIR}/parity-workbench/parity-skipped-libraries")
    endif()
  endforeach()
  # Every program built from here on (tests and benchmarks included) loads the
  # stand-ins, unless parity_load_every_library says otherwise: the tests
  # check what users run.
  add_link_options("LINKER:--disable-new-dtags")
  list(APPEND CMAKE_BUILD_RPATH "${PARITY_SKIPPED_LIBRARY_DIR}")
endif()

# An installed PROGRAM (in libexec/parity-workbench, built in app/<program>)
# finds the stand-ins relative to itself, in both trees: it is built with its
# install RPATH, so installing never edits it.
function(parity_skip_unused_libraries program)
  if(PARITY_SKIPPED_LIBRARIES AND PARITY_SKIPPED_LIBRARY_ORIGIN_PATH)
    get_target_property(dir ${program} BINARY_DIR)
    get_filename_component(found "${dir}/${PARITY_SKIPPED_LIBRARY_ORIGIN_PATH}" ABSOLUTE)
    if(found STREQUAL PARITY_SKIPPED_LIBRARY_DIR)
      set_target_properties(${program} PROPERTIES INSTALL_RPATH "$ORIGIN/${PARITY_SKIPPED_LIBRARY_ORIGIN_PATH}"
                                                  BUILD_WITH_INSTALL_RPATH ON)
    endif()
  endif()
endfunction()

# TARGET loads every library its libraries name (Qt programs, the launchers).
function(parity_load_every_library target)
  set_target_properties(${target} PROPERTIES BUILD_RPATH "")
endfunction()

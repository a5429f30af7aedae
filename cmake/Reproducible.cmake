# The same commit builds into the same bytes, in any directory, at any time,
# under any umask, user, locale or time zone (docs/SECURITY.md, "Reproducible
# build"; scripts/repro-check.sh proves it). Included from the top-level
# CMakeLists before any target, so every compilation and archive gets it.

# Paths: __FILE__ (spdlog, Boost's source locations, std::source_location)
# and the debug information (DW_AT_name, DW_AT_comp_dir) name files relative
# to the source and build trees, not where this checkout happens to be. The
# build tree lies inside the source tree under the presets; GCC tries the
# last map first, so the build tree's (the longer prefix) comes second: both
# become ".", the source files "./src/...", the compilation directory ".".
# GCC leaves these options, like -I and -include, out of the switches it
# records in DW_AT_producer.
# ccache (CMakeLists.txt) hands the compiler paths relative to the build tree
# (its CCACHE_BASEDIR), "../../src/..."; the third map gives those the same
# names, so a build through ccache and one without it are the same bytes.
file(RELATIVE_PATH ACTA_SOURCE_FROM_BUILD ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
string(REGEX REPLACE "/$" "" ACTA_SOURCE_FROM_BUILD "${ACTA_SOURCE_FROM_BUILD}")
add_compile_options(-ffile-prefix-map=${CMAKE_SOURCE_DIR}=.
                    -ffile-prefix-map=${CMAKE_BINARY_DIR}=.)
if(ACTA_SOURCE_FROM_BUILD)
  add_compile_options(-ffile-prefix-map=${ACTA_SOURCE_FROM_BUILD}=.)
endif()

# Static archives without timestamps, owners or modes. Debian's binutils is
# built with --enable-deterministic-archives ("D" is its default: ar --help);
# saying D here keeps that true on a toolchain configured otherwise.
set(CMAKE_CXX_ARCHIVE_CREATE "<CMAKE_AR> qcD <TARGET> <LINK_FLAGS> <OBJECTS>")
set(CMAKE_CXX_ARCHIVE_APPEND "<CMAKE_AR> qD <TARGET> <LINK_FLAGS> <OBJECTS>")
set(CMAKE_CXX_ARCHIVE_FINISH "<CMAKE_RANLIB> -D <TARGET>")

# Directories the install rules create get 0755 whatever the umask; files
# get the modes their install() rules name. (The directories CPack creates
# itself, and the modes of the package's ar members, follow the umask: the
# deb target runs CPack under scripts/reproducibly.sh's.)
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# The only date an output may contain (the man pages' date, the package's
# file times) is SOURCE_DATE_EPOCH, or the commit's time when it is unset;
# packaging steps also run under a fixed umask, locale and time zone.
# Computed when the command runs, not when CMake configured the tree, so a
# later commit's build does not carry an earlier date: custom commands put
# this prefix before what they run.
set(ACTA_REPRODUCIBLY bash ${CMAKE_SOURCE_DIR}/scripts/reproducibly.sh)

# What the short reproducibility check (scripts/repro-check.sh --short, the
# ctest repro_short) compiles twice instead of all of acta: a static library
# of a few real sources and a small program linked against it, with every
# flag and setting of the release build (cmake/Reproducible.cmake's prefix
# maps and deterministic archives, -O2 -g1). The sources span what can leak
# the build's circumstances: __FILE__ (the program's invariant checks),
# debug information, templates of nlohmann::json and Boost.Asio, libsodium
# and OpenSSL. Built only on request (EXCLUDE_FROM_ALL), about half a CPU
# minute. docs/SECURITY.md, "Reproducible build", says what it leaves to
# the full check.
add_library(acta_repro_probe_core STATIC EXCLUDE_FROM_ALL
  src/core/error.cc src/core/bytes.cc src/core/wire.cc src/core/crypto.cc src/core/keys.cc
  src/core/receipt.cc src/core/strict_json.cc src/core/note_key_text.cc src/core/file.cc
  src/center/http/source_network.cc)
target_include_directories(acta_repro_probe_core PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(acta_repro_probe_core PUBLIC PkgConfig::SODIUM OpenSSL::Crypto
                      nlohmann_json::nlohmann_json Boost::headers spdlog::spdlog fmt::fmt)
# Compiled as the libraries are: under ACTA_UNITY_BUILD the sources reach
# the compiler through a generated file that #includes them by absolute
# path, so __FILE__ and the debug information's names must still come out
# relative.
if(ACTA_UNITY_BUILD)
  set_target_properties(acta_repro_probe_core PROPERTIES UNITY_BUILD ON
                        UNITY_BUILD_BATCH_SIZE ${ACTA_UNITY_BATCH_SIZE})
endif()
add_executable(acta_repro_probe EXCLUDE_FROM_ALL fuzz/receipt_fuzz.cc fuzz/replay_main.cc)
target_include_directories(acta_repro_probe PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(acta_repro_probe PRIVATE acta_repro_probe_core)

# The short check in ctest: the probe built twice from this commit under
# varied conditions, and this tree's .deb packed twice. Only in a release
# tree (the check compiles the release preset; a sanitizer tree's acta is
# not the one packaged) that can build the dashboard the package holds.
if(ACTA_BUILD_TESTS AND CMAKE_BUILD_TYPE STREQUAL "RelWithDebInfo"
   AND NOT CMAKE_CXX_FLAGS_RELWITHDEBINFO MATCHES "sanitize" AND ACTA_WEB_BUILDABLE)
  add_test(NAME repro_short
           COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/repro-check.sh --short ${PROJECT_BINARY_DIR})
  set_tests_properties(repro_short PROPERTIES LABELS "repro" TIMEOUT 600 RUN_SERIAL ON)
endif()

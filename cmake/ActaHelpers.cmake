# acta_library(NAME SOURCES ... DEPS ...): one static library per module, with
# the repository's src/ as the include root ("#include \"log/merkle.h\"").
# Under ACTA_UNITY_BUILD (on in the release and tsan presets) a library
# compiles its sources ACTA_UNITY_BATCH_SIZE (8) to a translation unit: the
# headers every file of a module includes (Boost.Asio and Beast,
# nlohmann/json, CLI11, spdlog) are parsed and their templates instantiated
# once per batch instead of once per file, which is most of a cold build's
# CPU (the README's first `make demo`: 183 compilations became 42, 15.2 CPU
# minutes 8.9). A file's own names must then stay unique within its
# library, anonymous namespaces included: a clash fails the compile of the
# batch that holds both. `-DACTA_UNITY_BATCH_SIZE=0` compiles each library
# as one unit and shows every clash at once; the debug, asan and fuzz
# presets build file by file, which shows a missing #include a batch hid.
function(acta_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  if(ACTA_UNITY_BUILD)
    set_target_properties(${name} PROPERTIES UNITY_BUILD ON
                                              UNITY_BUILD_BATCH_SIZE ${ACTA_UNITY_BATCH_SIZE})
  endif()
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# acta_test_code(TARGET...): code only tests run (test programs, the libraries
# only they link, the fuzz corpus replays) is compiled with -O1 -g1 in the
# optimised presets (release, tsan) instead of the libraries' -O2 -g1 (tsan:
# -O1 -g1). -O1 costs about 40 % less CPU to compile a test file than -O2
# (16.7 s -> 9.9 s) and more than half of a cold build is test code; the code
# under test is the libraries', still built with the preset's -O2. -g1 keeps
# the line tables a failure's stack trace, perf and a ThreadSanitizer report
# need, without the variable locations that made -g compile 22 % slower
# (src/center/http/session.cc: 22.2 s -> 17.2 s).
function(acta_test_code)
  foreach(target IN LISTS ARGN)
    target_compile_options(${target} PRIVATE "$<$<CONFIG:RelWithDebInfo>:-O1;-g1>")
  endforeach()
endfunction()

# acta_test(NAME SOURCES ... DEPS ... [LABELS ...]): a GoogleTest binary whose
# cases ctest discovers one by one.
function(acta_test name)
  if(NOT ACTA_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  acta_test_code(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE
    ACTA_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    ACTA_BINARY_DIR="${PROJECT_BINARY_DIR}")
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  gtest_discover_tests(${name}
    DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "${ARG_LABELS}")
endfunction()

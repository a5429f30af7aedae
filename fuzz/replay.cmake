# Replays every fuzz target's seed corpus (fuzz/corpus/NAME) and the inputs
# that once crashed it (fuzz/regressions/NAME) as ctest tests, in builds
# without libFuzzer (fuzz/replay_main.cc): a crash found by `make fuzz-long`
# stays a test once its input is copied into fuzz/regressions/.
include(${CMAKE_CURRENT_LIST_DIR}/targets.cmake)

foreach(entry IN LISTS ACTA_FUZZ_TARGET_DEPS)
  string(REPLACE ":" ";" parts "${entry}")
  list(POP_FRONT parts name)
  add_executable(fuzz_replay_${name} ${CMAKE_CURRENT_LIST_DIR}/${name}_fuzz.cc
                                     ${CMAKE_CURRENT_LIST_DIR}/replay_main.cc)
  acta_test_code(fuzz_replay_${name})
  target_include_directories(fuzz_replay_${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(fuzz_replay_${name} PRIVATE ${parts})
  add_test(NAME fuzz_replay_${name}
           COMMAND fuzz_replay_${name} ${PROJECT_SOURCE_DIR}/fuzz/corpus/${name}
                   ${PROJECT_SOURCE_DIR}/fuzz/regressions/${name})
  set_tests_properties(fuzz_replay_${name} PROPERTIES LABELS fuzz TIMEOUT 120)
endforeach()

# Regenerates the seed corpora in any build: fuzz_make_corpus fuzz/corpus
add_executable(fuzz_make_corpus ${CMAKE_CURRENT_LIST_DIR}/make_corpus.cc)
target_include_directories(fuzz_make_corpus PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(fuzz_make_corpus PRIVATE acta_log acta_fuzz_counts acta_photo_testing)

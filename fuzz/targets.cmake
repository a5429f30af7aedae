# The fuzz targets and what each links, shared by the libFuzzer build
# (fuzz/CMakeLists.txt, ACTA_FUZZ=ON) and the replay tests of every other
# build (fuzz/replay.cmake): "NAME:DEP[:DEP...]" builds NAME_fuzz.cc.

# The counts-file parser is compiled in directly: linking acta_cli_lib would
# build every command and the synthesizer just for one function.
add_library(acta_fuzz_counts STATIC ${PROJECT_SOURCE_DIR}/src/cli/counts_file.cc)
target_include_directories(acta_fuzz_counts PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(acta_fuzz_counts PUBLIC acta_core nlohmann_json::nlohmann_json)

set(ACTA_FUZZ_TARGET_DEPS
    acta_decode:acta_core
    acta_text:acta_core
    manifest:acta_core
    receipt:acta_core
    base45:acta_core
    base64:acta_core
    hex:acta_core
    note:acta_log
    checkpoint:acta_log
    receipt_key:acta_log
    add_checkpoint:acta_witness
    tile_path:acta_log
    entry_bundle:acta_log
    counts_file:acta_fuzz_counts
    http_request:acta_http
    http_fast_request:acta_http
    photo_decode:acta_photo
    audit_files:acta_audit
    event_stream:acta_mirror
    note_keys:acta_core
    manifest_trust:acta_log
    verifier_inputs:acta_verify
    config_file:acta_cli_config
    url:acta_terminal
    manifest_csv:acta_core)

// `acta dump`: saves everything a center publishes into a directory, so it
// can be verified offline, archived, or served as a static mirror.
#include <cstdio>
#include <memory>
#include <optional>

#include "cli/command.h"
#include "terminal/http_client.h"
#include "verify/fetch.h"

namespace acta::cli {
namespace {

struct DumpOptions {
  std::string center;
  std::string out;
  std::string ca_file;
  std::optional<uint64_t> size;
  bool all_bulletins = false;
  bool require_witnesses = false;
  bool quiet = false;
};

int RunDump(const DumpOptions& o) {
  http::HttpClientOptions co;
  co.base_url = o.center;
  co.ca_file = o.ca_file;
  co.max_response_bytes = 256 * 1024 * 1024;
  auto client = http::HttpClient::Create(co);
  if (!client) return ReportError("dump", client.error());
  verify::DirectoryFiles files(o.out);
  verify::FetchOptions fo;
  fo.all_bulletins = o.all_bulletins;
  fo.center_url = o.center;
  fo.pin_size = o.size;
  fo.pin_cosigned = o.require_witnesses;
  if (!o.quiet) {
    auto stage_now = std::make_shared<std::string>();
    fo.progress = [stage_now](std::string_view stage, uint64_t done, uint64_t total) {
      if (!stage_now->empty() && *stage_now != stage) std::fprintf(stderr, "\n");
      *stage_now = stage;
      std::fprintf(stderr, "\r%-10.*s %llu/%llu", static_cast<int>(stage.size()), stage.data(),
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
    };
  }
  auto stats = verify::FetchCenter(**client, files, fo);
  if (!o.quiet) std::fprintf(stderr, "\n");
  if (!stats) return ReportError("dump", stats.error());
  std::fprintf(
      stderr,
      "acta dump: %s: log size %llu, %llu files fetched (%llu bytes), %llu already present\n",
      o.out.c_str(), static_cast<unsigned long long>(stats->latest_size),
      static_cast<unsigned long long>(stats->fetched),
      static_cast<unsigned long long>(stats->bytes),
      static_cast<unsigned long long>(stats->skipped));
  if (o.require_witnesses && !stats->pinned_quorum) {
    // The dump is written (it is still evidence), but it is not what was
    // asked for: `acta verify --dump DIR --require-witnesses` will say who
    // did not cosign.
    return ReportError(
        "dump",
        Error{ErrorCode::kFailedPrecondition,
              "no published checkpoint carries the manifest's witness quorum (or it lists no "
              "witnesses); the dump is "
              "pinned at the latest (size " +
                  std::to_string(stats->latest_size) + ")"});
  }
  return kExitOk;
}

}  // namespace

void RegisterDump(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<DumpOptions>();
  CLI::App* cmd =
      app.add_subcommand("dump",
                         "Save everything a center publishes (manifest, checkpoints, log entries, "
                         "bulletins, CSV) into a "
                         "directory; resumable. Verify it with 'acta verify --dump DIR'.");
  cmd->add_option("--center", o->center, "The center's public URL (http://host:port)")->required();
  cmd->add_option("--out", o->out,
                  "Dump directory (created; an existing dump is brought up to date)")
      ->required();
  cmd->add_option("--ca-file", o->ca_file, "PEM CA bundle to trust for https");
  CLI::Option* size_opt = cmd->add_option(
      "--size", o->size, "Pin the published checkpoint of this size instead of the latest");
  cmd->add_flag("--require-witnesses", o->require_witnesses,
                "Pin the newest published checkpoint that carries the manifest's witness quorum "
                "(the latest may not be cosigned yet); fails, after writing the dump at the "
                "latest, when none does or the manifest lists no witnesses")
      ->excludes(size_opt);
  cmd->add_flag("--all-bulletins", o->all_bulletins,
                "Fetch the bulletin of every checkpoint, not only the latest");
  cmd->add_flag("--quiet", o->quiet, "No progress on stderr");
  cmd->callback([&run, o] { run = [o] { return RunDump(*o); }; });
}

}  // namespace acta::cli

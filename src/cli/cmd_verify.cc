// `acta verify`: checks everything a center published, from the network or
// a dump, or checks one acta as an observer. Exits 0 only when everything
// holds.
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>

#include "cli/acta_input.h"
#include "cli/command.h"
#include "core/file.h"
#include "terminal/http_client.h"
#include "verify/fetch.h"
#include "verify/observer.h"
#include "verify/verifier.h"

namespace acta::cli {
namespace {

struct VerifyCliOptions {
  std::string center;
  std::string dump;
  std::string state;
  std::string authority;
  std::string election_id;
  std::string acta;
  std::string ca_file;
  unsigned threads = 0;
  std::optional<uint64_t> size;
  bool all_bulletins = false;
  bool quiet = false;
  bool require_witnesses = false;
  bool all_witnesses = false;
};

// Which witnesses cosigned which checkpoint: the last 10 (or all).
void PrintCosigned(const verify::Report& r, bool all) {
  if (r.witnesses_listed == 0) return;
  const size_t n = r.cosigned.size();
  const size_t from = all || n <= 10 ? 0 : n - 10;
  if (n > 0)
    std::printf("cosigned checkpoints%s:\n",
                from > 0 ? " (the last 10; --all-witnesses lists every one)" : "");
  for (size_t i = from; i < n; ++i) {
    std::string names;
    for (const auto& w : r.cosigned[i].witnesses) names += (names.empty() ? "" : ", ") + w;
    std::printf("  size %llu: %s\n", static_cast<unsigned long long>(r.cosigned[i].size),
                names.c_str());
  }
}

// A verifier key given inline ("name+id+base64") or as a file holding one.
Result<VerifierKey> ParseAuthority(const std::string& text) {
  if (auto key = VerifierKey::Parse(text); key) return key;
  return LoadVerifierKeyFile(text);
}

verify::ProgressFn Progress(bool quiet) {
  if (quiet) return {};
  // One line per stage, rewritten in place while it advances.
  auto stage_now = std::make_shared<std::string>();
  return [stage_now](std::string_view stage, uint64_t done, uint64_t total) {
    if (!stage_now->empty() && *stage_now != stage) std::fprintf(stderr, "\n");
    *stage_now = stage;
    std::fprintf(stderr, "\r%-12.*s %llu/%llu", static_cast<int>(stage.size()), stage.data(),
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
  };
}

Result<std::unique_ptr<http::HttpClient>> Client(const VerifyCliOptions& o) {
  http::HttpClientOptions co;
  co.base_url = o.center;
  co.ca_file = o.ca_file;
  co.max_response_bytes = 256 * 1024 * 1024;
  return http::HttpClient::Create(co);
}

int RunObserver(const VerifyCliOptions& o, const verify::ObserverOptions& wo) {
  auto acta = ReadActaInput(o.acta);
  if (!acta) return ReportError("verify", acta.error());
  auto client = Client(o);
  if (!client) return ReportError("verify", client.error());
  auto result = verify::VerifyActaInLog(**client, *acta, wo);
  if (!result) return ReportError("verify", result.error());
  const verify::Report& r = result->report;
  std::printf("acta of table %u, leaf hash %s\n", result->table_id,
              HexEncode(result->leaf_hash).c_str());
  if (result->index) {
    std::printf("  in the log at index %llu, proven against the signed checkpoint of size %llu\n",
                static_cast<unsigned long long>(*result->index),
                static_cast<unsigned long long>(r.latest_size));
  }
  if (!result->table_status.empty())
    std::printf("  table status: %s\n", result->table_status.c_str());
  for (const auto& p : r.problems) std::printf("  %s\n", verify::FormatProblem(p).c_str());
  std::printf(r.ok() ? "RESULT: the acta is in the log and counted as it reads\nRESULT: OK\n"
                     : "RESULT: FAILED\n");
  return r.ok() ? kExitOk : kExitFailure;
}

int RunVerify(const VerifyCliOptions& o) {
  if (o.center.empty() == o.dump.empty() && o.acta.empty()) {
    std::fprintf(stderr, "acta verify: give exactly one of --center URL or --dump DIR\n");
    return kExitUsage;
  }
  verify::VerifyOptions vo;
  verify::ObserverOptions wo;
  if (!o.authority.empty()) {
    auto key = ParseAuthority(o.authority);
    if (!key) return ReportError("verify", key.error());
    vo.pinned_authority = wo.pinned_authority = *key;
  }
  if (!o.election_id.empty()) {
    auto id = HexDecodeFixed<32>(o.election_id);
    if (!id)
      return ReportError("verify",
                         Error{ErrorCode::kInvalidArgument, "--election-id must be 64 hex digits"});
    vo.expected_election_id = wo.expected_election_id = *id;
  }
  if (o.size && o.center.empty()) {
    std::fprintf(stderr,
                 "acta verify: --size needs --center URL (a dump is pinned when written)\n");
    return kExitUsage;
  }
  if (!o.acta.empty()) {
    if (o.center.empty()) {
      std::fprintf(stderr, "acta verify: --acta needs --center URL\n");
      return kExitUsage;
    }
    return RunObserver(o, wo);
  }
  verify::VerifierState state;
  if (!o.state.empty()) {
    auto loaded = verify::LoadVerifierState(o.state);
    if (!loaded) return ReportError("verify", loaded.error());
    state = std::move(*loaded);
    vo.state = &state;
  }
  vo.threads = o.threads;
  vo.progress = Progress(o.quiet);
  vo.require_witnesses = o.require_witnesses;

  const auto start = std::chrono::steady_clock::now();
  verify::Report report;
  if (!o.dump.empty()) {
    verify::DirectoryFiles files(o.dump);
    report = verify::VerifyFiles(files, vo);
  } else {
    auto client = Client(o);
    if (!client) return ReportError("verify", client.error());
    verify::MemoryFiles files;
    verify::FetchOptions fo;
    fo.all_bulletins = o.all_bulletins;
    fo.center_url = o.center;
    fo.progress = vo.progress;
    fo.pin_size = o.size;
    fo.pin_cosigned = o.require_witnesses;
    for (const auto& rem : state.checkpoints) fo.remembered_sizes.push_back(rem.size);
    auto stats = verify::FetchCenter(**client, files, fo);
    if (!stats) return ReportError("verify", stats.error());
    report = verify::VerifyFiles(files, vo);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  PrintCosigned(report, o.all_witnesses);
  std::printf("%s", verify::FormatReport(report).c_str());
  if (!o.quiet) {
    std::fprintf(stderr, "acta verify: %.2f s, %.0f entries/s\n", secs,
                 secs > 0 ? static_cast<double>(report.entries) / secs : 0.0);
  }
  if (report.ok() && !o.state.empty()) {
    auto updated = verify::UpdatedState(state, report);
    if (!updated) return ReportError("verify", updated.error());
    if (auto st = verify::SaveVerifierState(o.state, *updated); !st)
      return ReportError("verify", st.error());
  }
  return report.ok() ? kExitOk : kExitFailure;
}

}  // namespace

void RegisterVerify(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<VerifyCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Check everything a center published without trusting it: the manifest signature, every\n"
      "log entry's acta, every checkpoint's signature, the Merkle tree, the consistency of the\n"
      "checkpoints (and with --state, with those seen in earlier runs), every bulletin and the\n"
      "table CSV recomputed byte for byte. A log that grows while it is read is verified up to\n"
      "one pinned checkpoint (the latest at start, or --size); checkpoints signed after it are\n"
      "only proven to extend it. With --acta, check that one acta is in the log and counted as\n"
      "it reads. Exits 0 only when everything holds.");
  cmd->add_option("--center", o->center, "The center's public URL (http://host:port)");
  cmd->add_option("--dump", o->dump, "A dump directory written by 'acta dump'");
  cmd->add_option(
      "--state", o->state,
      "File of checkpoints remembered from earlier runs; checked, then updated on success");
  cmd->add_option("--authority", o->authority,
                  "Pin the authority key (verifier key text or a file holding it)");
  cmd->add_option("--election-id", o->election_id, "Pin the election id (64 hex digits)");
  cmd->add_option("--acta", o->acta,
                  "Observer mode: an acta (binary file, QR text file, or ACTA1: text)");
  cmd->add_option("--size", o->size,
                  "With --center: pin the published checkpoint of this size instead of the latest");
  cmd->add_option("--threads", o->threads, "Signature-checking threads (default: every core)");
  cmd->add_option("--ca-file", o->ca_file, "PEM CA bundle to trust for https");
  cmd->add_flag("--all-bulletins", o->all_bulletins,
                "With --center: fetch and check every checkpoint's bulletin");
  cmd->add_flag("--quiet", o->quiet, "No progress on stderr");
  cmd->add_flag("--require-witnesses", o->require_witnesses,
                "Fail unless the pinned checkpoint carries the cosignatures of the manifest's\n"
                "witness quorum (k of n). With --center (and no --size) the pin is the newest\n"
                "checkpoint that has the quorum, since witnesses cosign a moment after the\n"
                "center signs. Cosignatures are always checked and reported");
  cmd->add_flag("--all-witnesses", o->all_witnesses,
                "List every cosigned checkpoint with its witnesses (default: the last 10)");
  cmd->callback([&run, o] { run = [o] { return RunVerify(*o); }; });
}

}  // namespace acta::cli

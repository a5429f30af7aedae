// `acta compare`: parallel tabulation. An observer's copies of many actas
// (photos of printed sheets, or acta files) against a center's log: same,
// different or missing for every table held, whether each logged table is
// held, and the totals of the observer's own actas beside the official ones.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/acta_input.h"
#include "cli/command.h"
#include "cli/table_printer.h"
#include "core/file.h"
#include "photo/image_file.h"
#include "verify/tabulation.h"

namespace acta::cli {
namespace {

struct CompareOptions {
  std::string photos;
  std::string actas;
  std::string center;
  std::string csv;
  std::string json;
  std::string authority;
  std::string election_id;
  std::string ca_file;
  int threads = 4;
};

struct Unreadable {
  std::string source;
  std::string error;
};

// Every regular file of `dir`, sorted by name.
Result<std::vector<std::filesystem::path>> FilesIn(const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  if (ec) return MakeError(ErrorCode::kIo, dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

// Reads every file in parallel (photos are decoded and searched for QR
// codes, which is the slow part): a photo may hold several actas; files
// that are not images are skipped in --photos, and read as acta files in
// --actas.
Result<std::vector<verify::HeldActa>> ReadHeld(const CompareOptions& o,
                                               std::vector<Unreadable>& unreadable) {
  const bool photos = !o.photos.empty();
  auto files = FilesIn(photos ? o.photos : o.actas);
  if (!files) return std::unexpected(files.error());
  std::vector<std::vector<verify::HeldActa>> found(files->size());
  std::vector<std::optional<Error>> errors(files->size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next++) < files->size();) {
      const std::string path = (*files)[i].string();
      const std::string name = (*files)[i].filename().string();
      if (photos) {
        auto bytes = ReadFile(path);
        if (!bytes) {
          errors[i] = bytes.error();
          continue;
        }
        if (photo::SniffImageFormat(*bytes) == photo::ImageFormat::kUnknown) continue;
        auto actas = ReadActasInPhoto(name, *bytes);
        if (!actas) {
          errors[i] = actas.error();
          continue;
        }
        for (Acta& a : *actas) found[i].push_back({name, std::move(a)});
      } else {
        auto acta = ReadActaInput(path);
        if (!acta) {
          errors[i] = acta.error();
          continue;
        }
        found[i].push_back({name, std::move(*acta)});
      }
    }
  };
  {
    std::vector<std::jthread> pool;
    for (int i = 1; i < o.threads; ++i) pool.emplace_back(work);
    work();
  }
  std::vector<verify::HeldActa> held;
  for (size_t i = 0; i < files->size(); ++i) {
    if (errors[i]) {
      unreadable.push_back({(*files)[i].filename().string(), errors[i]->ToString()});
    }
    for (auto& h : found[i]) held.push_back(std::move(h));
  }
  return held;
}

void PrintSummary(const verify::Tabulation& t, const std::vector<Unreadable>& unreadable) {
  using verify::Holding;
  std::printf("checkpoint %llu (root %s)\n", static_cast<unsigned long long>(t.checkpoint_size),
              HexEncode(t.checkpoint_root).c_str());
  std::printf(
      "held: %zu same, %zu different, %zu missing from the log, %zu invalid, %zu unproven; "
      "%zu unreadable files\nlog: %zu tables with an acta the observer does not hold\n\n",
      t.Count(Holding::kSame), t.Count(Holding::kDifferent), t.Count(Holding::kMissing),
      t.Count(Holding::kInvalid), t.Count(Holding::kUnproven), unreadable.size(),
      t.Count(Holding::kNotHeld));
  TablePrinter rows({"table", "holding", "from", "log", "what differs"});
  size_t shown = 0;
  for (const auto& r : t.rows) {
    if (r.holding == Holding::kSame || r.holding == Holding::kNotHeld) continue;
    if (++shown > 50) break;  // the CSV and JSON have them all
    std::string what = r.differences.empty() ? r.detail : r.differences.front();
    if (r.differences.size() > 1) what += " (+" + std::to_string(r.differences.size() - 1) + ")";
    rows.AddRow({std::to_string(r.table_id), std::string(verify::HoldingName(r.holding)), r.sources,
                 r.log_status, what});
  }
  if (shown > 0) std::printf("%s\n", rows.Render().c_str());
  for (const auto& u : unreadable)
    std::printf("unreadable: %s: %s\n", u.source.c_str(), u.error.c_str());
  for (const auto& c : t.totals) {
    std::printf("%s\n", c.contest.c_str());
    TablePrinter tp({"", "observer's actas", "log, same tables", "log, all tables"});
    for (size_t i = 0; i < c.columns.size(); ++i) {
      tp.AddRow({c.columns[i], std::to_string(c.observer[i]), std::to_string(c.official_held[i]),
                 std::to_string(c.official_all[i])});
    }
    std::printf("%s\n", tp.Render().c_str());
  }
}

int RunCompare(const CompareOptions& o) {
  constexpr std::string_view kCmd = "compare";
  if (o.photos.empty() == o.actas.empty()) {
    std::fprintf(stderr, "acta compare: give exactly one of --photos DIR or --actas DIR\n");
    return kExitUsage;
  }
  verify::ObserverOptions wo;
  if (!o.authority.empty()) {
    auto key = VerifierKey::Parse(o.authority);
    if (!key) key = LoadVerifierKeyFile(o.authority);
    if (!key) return ReportError(kCmd, key.error());
    wo.pinned_authority = *key;
  }
  if (!o.election_id.empty()) {
    auto id = HexDecodeFixed<32>(o.election_id);
    if (!id) {
      return ReportError(kCmd,
                         Error{ErrorCode::kInvalidArgument, "--election-id must be 64 hex digits"});
    }
    wo.expected_election_id = *id;
  }
  std::vector<Unreadable> unreadable;
  auto held = ReadHeld(o, unreadable);
  if (!held) return ReportError(kCmd, held.error());
  const verify::ClientFactory connect = [&o] {
    http::HttpClientOptions co;
    co.base_url = o.center;
    co.ca_file = o.ca_file;
    co.max_response_bytes = 512 * 1024 * 1024;  // the table CSV of a large election
    return http::HttpClient::Create(co);
  };
  auto t = verify::Tabulate(connect, *held, wo, o.threads);
  if (!t) return ReportError(kCmd, t.error());
  if (!o.csv.empty()) {
    if (auto st = WriteFileAtomic(o.csv, AsBytes(verify::TabulationCsv(*t))); !st)
      return ReportError(kCmd, st.error());
  }
  if (!o.json.empty()) {
    if (auto st = WriteFileAtomic(o.json, AsBytes(verify::TabulationJson(*t))); !st)
      return ReportError(kCmd, st.error());
  }
  PrintSummary(*t, unreadable);
  using verify::Holding;
  const bool all_same = unreadable.empty() && t->Count(Holding::kDifferent) == 0 &&
                        t->Count(Holding::kMissing) == 0 && t->Count(Holding::kInvalid) == 0 &&
                        t->Count(Holding::kUnproven) == 0;
  return all_same ? kExitOk : kExitFailure;
}

}  // namespace

void RegisterCompare(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Parallel tabulation: compare an observer's copies of many actas with a center's log.\n"
      "For every table held: same (in the log, proven by an inclusion proof against the signed\n"
      "checkpoint), different (the log holds another acta: the differing counts are listed),\n"
      "missing (the log holds none: submit it with `acta submit --public`), invalid or\n"
      "unproven; for every logged table, whether it is held; totals of the observer's actas\n"
      "beside the log's for the same tables and for all. Exit 0 only when every held acta\n"
      "is the same as the log's.");
  cmd->add_option("--photos", o->photos,
                  "Directory of photos of printed sheets (JPEG, PNG, WebP; several actas per "
                  "photo allowed; other files skipped)");
  cmd->add_option("--actas", o->actas,
                  "Directory of acta files (binary, QR text, or photos), one acta per file");
  cmd->add_option("--center", o->center, "The center's public URL")->required();
  cmd->add_option("--csv", o->csv, "Write one row per table as CSV here");
  cmd->add_option("--json", o->json, "Write the whole comparison as JSON here");
  cmd->add_option("--threads", o->threads, "Files read and actas checked at once (default 4)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--authority", o->authority,
                  "Pin the authority's verifier key (name+id+base64, or a file holding it)");
  cmd->add_option("--election-id", o->election_id, "Pin the election id (64 hex digits)");
  cmd->add_option("--ca-file", o->ca_file, "PEM CA file for an https center");
  cmd->callback([&run, o] { run = [o] { return RunCompare(*o); }; });
}

}  // namespace acta::cli

#include "sim/demo_sites.h"

#include <fmt/format.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>

#include "center/web_root.h"
#include "core/acta.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "log/tiles.h"
#include "sim/demo_setup.h"
#include "store/open_store.h"
#include "store/postgres_connection.h"
#include "verify/dump_layout.h"

namespace acta::sim::demo_internal {
namespace {

namespace fs = std::filesystem;

// What a shell word may hold without quoting trouble: the script's path,
// the cluster directory and numbers are built by us or given as options.
bool Quotable(const std::string& s) { return s.find('\'') == std::string::npos; }

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// `url` with its database ("/postgres?...") replaced by `db`.
std::string WithDatabase(const std::string& url, const std::string& db) {
  const size_t query = url.find('?');
  const size_t slash = url.rfind('/', query);
  return url.substr(0, slash + 1) + db + (query == std::string::npos ? "" : url.substr(query));
}

// Runs ha-cluster.sh `args` on the cluster of `dir`; its output (stdout
// and stderr), or kUnavailable with it if the script failed.
Result<std::string> RunScript(const std::string& script, const std::string& dir,
                              const std::string& args, const std::string& env) {
  if (!Quotable(script) || !Quotable(dir))
    return MakeError(ErrorCode::kInvalidArgument, "quote in the script or cluster path");
  const std::string cmd =
      "ACTA_HA_DIR='" + dir + "' " + env + " '" + script + "' " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return MakeError(ErrorCode::kIo, "cannot run " + script);
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
  const int rc = pclose(p);
  if (rc != 0) {
    return MakeError(ErrorCode::kUnavailable,
                     "ha-cluster.sh " + args + " failed (status " +
                         std::to_string(WIFEXITED(rc) ? WEXITSTATUS(rc) : rc) +
                         "): " + Trimmed(out));
  }
  return out;
}

Status AdminExec(const std::string& url, const std::string& sql) {
  auto conn = store::pg::Connection::Open(url);
  if (!conn) return std::unexpected(conn.error());
  return (*conn)->Exec(sql);
}

}  // namespace

const std::vector<HaPackage>& HaPackages() {
  static const std::vector<HaPackage> packages = {
      {"patroni", "/usr/bin/patroni"},     {"etcd-server", "/usr/bin/etcd"},
      {"etcd-client", "/usr/bin/etcdctl"}, {"postgresql-15", "/usr/lib/postgresql/15/bin/postgres"},
      {"curl", "/usr/bin/curl"},
  };
  return packages;
}

std::vector<std::string> MissingHaPackages(const std::function<bool(const std::string&)>& exists) {
  std::vector<std::string> missing;
  for (const auto& p : HaPackages()) {
    if (!exists(p.file)) missing.emplace_back(p.package);
  }
  return missing;
}

Status CheckHaPackages() {
  return HaPackagesStatus(
      MissingHaPackages([](const std::string& path) { return access(path.c_str(), X_OK) == 0; }));
}

Status HaPackagesStatus(const std::vector<std::string>& missing) {
  if (missing.empty()) return Ok();
  std::string names, all;
  for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
  for (const auto& p : HaPackages()) all += std::string(" ") + p.package;
  return MakeError(ErrorCode::kFailedPrecondition,
                   "--sites 3 runs a local three-site Patroni/etcd/PostgreSQL 15 cluster, but "
                   "these Debian packages are not installed: " +
                       names +
                       ". Install them with scripts/install-deps.sh (as root), or: apt-get "
                       "install" +
                       all);
}

Result<std::string> FindHaScript(std::string_view requested) {
  std::vector<fs::path> candidates;
  if (!requested.empty()) {
    candidates.emplace_back(requested);
  } else {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
      candidates.push_back(exe.parent_path().parent_path() / "share" / "acta" / "scripts" /
                           "ha-cluster.sh");
    }
    // A binary in its build tree: the sources' script (no absolute path of
    // the build machine is compiled in: a reproducible build).
    if (const std::string source = center::SourceTreeOfRunningBinary(); !source.empty()) {
      candidates.push_back(fs::path(source) / "scripts" / "ha-cluster.sh");
    }
  }
  std::string tried;
  for (const auto& c : candidates) {
    if (access(c.c_str(), X_OK) == 0) return c.string();
    tried += (tried.empty() ? "" : ", ") + c.string();
  }
  return MakeError(ErrorCode::kNotFound,
                   "ha-cluster.sh (the three-site cluster script) not found or not executable; "
                   "tried " +
                       tried + " (give it with --ha-script)");
}

Result<std::string> SitesCluster::Run(const std::string& args, const std::string& env) {
  return RunScript(script_, dir_, args, env);
}

std::string OwnerLine(int pid) {
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return "";
  char buf[1024];
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  const std::string stat(buf, n);
  // Field 22 (starttime) counts from after the command name, which may hold
  // spaces and parentheses: fields 3.. follow the last ')'.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return "";
  size_t pos = close + 1;
  std::string field;
  for (int i = 3; i <= 22; ++i) {
    while (pos < stat.size() && stat[pos] == ' ') ++pos;
    const size_t end = stat.find(' ', pos);
    field = stat.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (end == std::string::npos) break;
    pos = end;
  }
  return field.empty() ? "" : std::to_string(pid) + " " + field;
}

std::vector<std::string> SweepAbandonedClusters(const std::string& script,
                                                const std::string& parent) {
  std::vector<std::string> swept;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("acta-sites-", 0) != 0 || !entry.is_directory(ec)) continue;
    const std::string owner_file = entry.path().string() + ".owner";
    std::FILE* f = std::fopen(owner_file.c_str(), "r");
    if (f == nullptr) continue;  // not ours, or an older demo's: leave it
    char line[128] = {};
    const bool read = std::fgets(line, sizeof line, f) != nullptr;
    std::fclose(f);
    if (!read) continue;
    const std::string owner = Trimmed(line);
    if (OwnerLine(std::atoi(owner.c_str())) == owner) continue;  // its demo still runs
    if (!RunScript(script, entry.path().string(), "down", "")) continue;
    fs::remove_all(entry.path(), ec);
    fs::remove(owner_file, ec);
    swept.push_back(entry.path().string());
  }
  return swept;
}

Result<std::unique_ptr<SitesCluster>> SitesCluster::Open(std::string script, std::string ha_dir) {
  const bool own = ha_dir.empty();
  if (own) {
    // Its own directory, reachable by the postgres user the daemons run as
    // when we are root (mkdtemp makes it 0700).
    // First the clusters of demos killed from outside.
    for (const auto& dir : SweepAbandonedClusters(script, "/tmp")) {
      std::fprintf(stderr, "acta demo: took down %s, left running by a demo that was killed\n",
                   dir.c_str());
    }
    std::string tmpl = "/tmp/acta-sites-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr)
      return MakeError(ErrorCode::kIo, "cannot create a cluster directory in /tmp");
    chmod(tmpl.c_str(), 0755);
    ha_dir = tmpl;
    // Beside the directory, not in it: `up` clears the directory first.
    std::FILE* owner = std::fopen((ha_dir + ".owner").c_str(), "w");
    if (owner == nullptr) return MakeError(ErrorCode::kIo, "cannot write " + ha_dir + ".owner");
    std::fprintf(owner, "%s\n", OwnerLine(getpid()).c_str());
    std::fclose(owner);
  }
  if (!Quotable(script) || !Quotable(ha_dir))
    return MakeError(ErrorCode::kInvalidArgument, "quote in the script or cluster path");
  std::unique_ptr<SitesCluster> c(new SitesCluster(std::move(script), std::move(ha_dir), own));
  if (own) {
    auto up = c->Run("up", "ACTA_HA_BASE_PORT=auto");
    if (!up) return std::unexpected(up.error());
  }
  auto url = c->Run("url");
  if (!url) return std::unexpected(url.error());
  c->admin_url_ = FirstLine(*url);
  c->db_name_ = "acta_demo_" + std::to_string(getpid());
  ACTA_RETURN_IF_ERROR(AdminExec(c->admin_url_, "DROP DATABASE IF EXISTS " + c->db_name_));
  ACTA_RETURN_IF_ERROR(AdminExec(c->admin_url_, "CREATE DATABASE " + c->db_name_));
  c->db_url_ = WithDatabase(c->admin_url_, c->db_name_);
  return c;
}

SitesCluster::~SitesCluster() {
  if (own_) {
    (void)Run("down");
    std::error_code ec;
    fs::remove(dir_ + ".owner", ec);
  } else if (!db_name_.empty()) {
    (void)AdminExec(admin_url_, "DROP DATABASE IF EXISTS " + db_name_ + " WITH (FORCE)");
  }
}

Result<int> SitesCluster::Primary() {
  auto out = Run("primary");
  if (!out) return std::unexpected(out.error());
  return std::atoi(out->c_str());
}

Result<SitesCluster::Blackout> SitesCluster::BlackoutPrimary() {
  auto out = Run("blackout");
  if (!out) return std::unexpected(out.error());
  Blackout b;
  char* end = nullptr;
  b.site = static_cast<int>(std::strtol(out->c_str(), &end, 10));
  b.unix_ms = std::strtoull(end, nullptr, 10);
  if (b.site < 1 || b.site > 3 || b.unix_ms == 0)
    return MakeError(ErrorCode::kInternal, "ha-cluster.sh blackout printed " + Trimmed(*out));
  return b;
}

Status SitesCluster::Restore(int site, std::chrono::seconds limit) {
  auto restored = Run("restore " + std::to_string(site));
  if (!restored) return std::unexpected(restored.error());
  auto synced = Run("wait-sync " + std::to_string(limit.count()));
  if (!synced) return std::unexpected(synced.error());
  return Ok();
}

std::string SitesCluster::StatusLines() {
  auto out = Run("status");
  return out ? Trimmed(*out) : out.error().ToString();
}

void CheckpointsSeen::Poll(center::Center& c, Time now) {
  auto cp = c.log_state().latest();
  if (!cp) return;
  const auto& s = cp->stored;
  bool known = false;
  for (auto it = all_.rbegin(); it != all_.rend() && !known; ++it) known = it->note == s.note;
  if (!known) all_.push_back({s.size, s.root, s.note});
  if (fault_ && !grew_at_ && s.created_at_ms > fault_unix_ms_) {
    // Signed after the fault; it covers new entries unless every earlier
    // checkpoint was already as large.
    uint64_t before = 0;
    for (const auto& cp : all_) {
      if (cp.note != s.note && cp.size > before) before = cp.size;
    }
    if (s.size > before) grew_at_ = now;
  }
}

void CheckpointsSeen::MarkFault(Time at, uint64_t unix_ms) {
  fault_ = at;
  fault_unix_ms_ = unix_ms;
}

std::optional<double> CheckpointsSeen::grew_after_fault_s() const {
  if (!fault_ || !grew_at_) return std::nullopt;
  return std::chrono::duration<double>(*grew_at_ - *fault_).count();
}

SitesCheck CheckSites(const std::string& public_url, const std::string& db_url,
                      const Manifest& manifest, const CheckpointsSeen& seen,
                      const std::vector<Hash256>& receipts, FILE* out) {
  SitesCheck check;
  check.ran = true;
  check.receipts = receipts.size();
  // Every checkpoint: seen on the centers during the night, and stored.
  std::vector<verify::RememberedCheckpoint> all = seen.all();
  if (auto st = store::OpenStore(db_url); st && (*st)->Initialize(manifest.election_id)) {
    if (auto stored = (*st)->ListCheckpoints()) {
      for (const auto& cp : *stored) all.push_back({cp.size, cp.root, cp.note});
    }
  } else {
    fmt::print(out, "note: the store's own checkpoint list could not be read\n");
  }
  verify::VerifierState state;
  state.origin = log::LogOrigin(manifest.election_id);
  std::set<std::string> notes;
  for (const auto& cp : all) {
    if (!notes.insert(cp.note).second) continue;
    // kConflict: a second root for a size already remembered is a fork.
    if (!state.Remember(cp)) ++check.forks;
  }
  check.checkpoints = notes.size();

  PublishedCheck published = VerifyPublished(public_url, manifest, out, &state);
  check.verified = published.ok;
  // The final log, from the entry bundles the verifier read.
  log::MerkleTree tree;
  std::set<Hash256> in_log;
  for (const log::TileId& id : verify::EntryBundlesFor(published.latest_size)) {
    auto data = published.files.Read(log::TilePath(id));
    if (!data) break;  // the verifier has reported it
    auto entries = log::ParseEntryBundle(*data);
    if (!entries) break;
    for (const Bytes& e : *entries) {
      const Hash256 leaf = LeafHashOf(e);
      in_log.insert(leaf);
      tree.Append(leaf);
    }
  }
  for (const Hash256& leaf : receipts) check.receipts_missing += in_log.count(leaf) == 0;
  for (const auto& cp : state.checkpoints) {
    auto root = tree.RootAt(cp.size);
    if (!root || *root != cp.root) ++check.forks;
  }
  return check;
}

double IngestResumedSeconds(const std::vector<TerminalPlan>& plans,
                            const std::vector<int64_t>& delivered_ms, int64_t fault_ms) {
  int64_t first = -1;
  for (size_t i = 0; i < plans.size() && i < delivered_ms.size(); ++i) {
    if (plans[i].close_at.count() <= fault_ms || delivered_ms[i] < 0) continue;
    if (first < 0 || delivered_ms[i] < first) first = delivered_ms[i];
  }
  return first < 0 ? -1 : static_cast<double>(first - fault_ms) / 1000.0;
}

std::string SitesReport(const DemoSummary& s) {
  auto secs = [](double v) { return v < 0 ? std::string("never") : fmt::format("{:.1f}s", v); };
  std::string r = "\n== Three sites ==\n";
  if (s.site_down == 0) return r + "the blackout of the primary's site did not happen\n";
  r += fmt::format(
      "site {} (the primary) went dark; ingest of new actas resumed after {}, the log grew "
      "again after {} (Patroni promoted the synchronous standby)\n",
      s.site_down, secs(s.ingest_resumed_seconds), secs(s.log_grew_seconds));
  if (!s.sites_checked) return r + "receipts and forks not checked (--no-verify)\n";
  r += fmt::format("receipts: {} receipted actas missing from the log ({})\n", s.receipts_missing,
                   s.receipts_missing == 0 ? "none lost" : "LOST");
  r += fmt::format(
      "forks: {} of {} checkpoints published during the night or stored are not extended by "
      "the final log ({})\n",
      s.forks, s.checkpoints_seen, s.forks == 0 ? "the log did not fork" : "FORKED");
  return r;
}

}  // namespace acta::sim::demo_internal

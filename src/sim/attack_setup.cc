// The parts of sim/attack.h around the runner: names, targets, material,
// the report table.
#include <algorithm>
#include <array>
#include <boost/asio/ip/address.hpp>
#include <cstdio>
#include <filesystem>

#include "core/acta.h"
#include "core/election_secrets.h"
#include "log/manifest_signatures.h"
#include "sim/attack.h"

namespace acta::sim {
namespace {

constexpr std::array<std::pair<AttackMode, std::string_view>, 10> kModeNames = {{
    {AttackMode::kJunk, "junk"},
    {AttackMode::kGarbage, "garbage"},
    {AttackMode::kWrongMac, "wrong_mac"},
    {AttackMode::kForged, "forged"},
    {AttackMode::kReplay, "replay"},
    {AttackMode::kConflict, "conflict"},
    {AttackMode::kOversized, "oversized"},
    {AttackMode::kSlowloris, "slowloris"},
    {AttackMode::kStorm, "storm"},
    {AttackMode::kMix, "mix"},
}};

// Replays are signed up front; more tables than this add nothing to a flood
// and would only delay its start.
constexpr size_t kMaxReplayActas = 4096;

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  if (ec) return false;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  return address.is_loopback();
}

std::string StatsCell(const std::map<int, uint64_t>& statuses) {
  std::string out;
  for (const auto& [status, n] : statuses) {
    if (!out.empty()) out += ' ';
    out += std::to_string(status) + ":" + std::to_string(n);
  }
  return out.empty() ? "-" : out;
}

std::string ErrorsCell(const std::map<std::string, uint64_t>& errors) {
  std::string out;
  for (const auto& [name, n] : errors) {
    if (!out.empty()) out += ' ';
    out += name + ":" + std::to_string(n);
  }
  return out.empty() ? "-" : out;
}

}  // namespace

std::string_view AttackModeName(AttackMode mode) {
  for (const auto& [m, name] : kModeNames) {
    if (m == mode) return name;
  }
  return "unknown";
}

Result<AttackMode> ParseAttackMode(std::string_view name) {
  std::string valid;
  for (const auto& [m, n] : kModeNames) {
    if (n == name) return m;
    valid += valid.empty() ? "" : ", ";
    valid += n;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "unknown attack mode \"" + std::string(name) + "\" (one of: " + valid + ")");
}

uint64_t AttackStats::responses() const {
  uint64_t n = 0;
  for (const auto& [status, count] : statuses) n += count;
  return n;
}

Result<AttackTarget> ParseAttackTarget(std::string_view url) {
  constexpr std::string_view kHttp = "http://";
  if (url.starts_with("https://")) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "https targets are not supported; attack the plain-HTTP ingest listener");
  }
  if (!url.starts_with(kHttp)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "target must look like http://HOST:PORT, got \"" + std::string(url) + "\"");
  }
  std::string_view rest = url.substr(kHttp.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos || rest.empty()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "target must be http://HOST:PORT with no path, got \"" + std::string(url) + "\"");
  }
  AttackTarget t;
  std::string_view port_text;
  bool has_port = false;
  if (rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "unterminated [ in " + std::string(url));
    }
    t.host = std::string(rest.substr(1, close - 1));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return MakeError(ErrorCode::kInvalidArgument, "bad target " + std::string(url));
      }
      port_text = after.substr(1);
      has_port = true;
    }
  } else {
    const size_t colon = rest.find(':');
    if (colon != std::string_view::npos && rest.find(':', colon + 1) != std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "an IPv6 target goes in brackets: http://[::1]:PORT");
    }
    t.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = rest.substr(colon + 1);
      has_port = true;
    }
  }
  if (t.host.empty())
    return MakeError(ErrorCode::kInvalidArgument, "no host in " + std::string(url));
  if (has_port) {
    unsigned port = 0;
    if (port_text.empty() || port_text.size() > 5) {
      return MakeError(ErrorCode::kInvalidArgument, "bad port in " + std::string(url));
    }
    for (char c : port_text) {
      if (c < '0' || c > '9') {
        return MakeError(ErrorCode::kInvalidArgument, "bad port in " + std::string(url));
      }
      port = port * 10 + static_cast<unsigned>(c - '0');
    }
    if (port == 0 || port > 65535) {
      return MakeError(ErrorCode::kInvalidArgument, "bad port in " + std::string(url));
    }
    t.port = static_cast<uint16_t>(port);
  }
  t.loopback = IsLoopbackHost(t.host);
  return t;
}

Result<AttackMaterial> LoadAttackMaterial(const std::string& election_dir) {
  auto manifest = log::LoadTrustedManifest(election_dir, std::nullopt);
  if (!manifest) return std::unexpected(manifest.error());
  AttackMaterial m;
  auto shared = std::make_shared<const Manifest>(std::move(*manifest));
  m.manifest = shared;
  const std::filesystem::path secrets = std::filesystem::path(election_dir) / "secrets";
  std::error_code ec;
  if (std::filesystem::exists(secrets / "transport.key", ec)) {
    auto key = LoadTransportKeyFile((secrets / "transport.key").string());
    if (!key) return std::unexpected(key.error());
    m.transport_master = *key;
  }
  if (std::filesystem::exists(secrets / "table-keys.bin", ec)) {
    auto keys = TableKeys::Load((secrets / "table-keys.bin").string(), shared->tables.size());
    if (!keys) return std::unexpected(keys.error());
    m.table_seeds.reserve(keys->size());
    for (size_t i = 0; i < keys->size(); ++i) m.table_seeds.push_back(keys->seed(i));
  }
  if (std::filesystem::exists(secrets / "truth.bin", ec)) {
    auto truth = Truth::Load((secrets / "truth.bin").string(), *shared);
    if (!truth) return std::unexpected(truth.error());
    m.truth = truth->flat();
  }
  if (!m.table_seeds.empty() && !m.truth.empty()) {
    Truth truth(*shared, m.truth);
    const size_t n = std::min(shared->tables.size(), kMaxReplayActas);
    for (size_t i = 0; i < n; ++i) {
      ActaBody body = truth.BodyFor(i);
      body.closing_time = shared->polls_close_not_before + 60;
      auto acta = SignActa(body, SigningKey::FromSeed(m.table_seeds[i]));
      if (!acta) return std::unexpected(acta.error());
      m.replay_actas.push_back(std::move(acta->bytes));
    }
  }
  return m;
}

std::string FormatAttackReport(const AttackReport& report) {
  std::vector<std::pair<std::string, const AttackStats*>> rows;
  if (report.by_mode.size() > 1) {
    for (const auto& [name, stats] : report.by_mode) rows.emplace_back(name, &stats);
  }
  rows.emplace_back("total", &report.total);
  size_t width = std::string_view("responses (status:n)").size();
  for (const auto& [name, stats] : rows) width = std::max(width, StatsCell(stats->statuses).size());
  std::string out;
  char line[1024];
  std::snprintf(line, sizeof line, "%-10s %10s  %-*s  %s\n", "mode", "sent",
                static_cast<int>(width), "responses (status:n)", "errors");
  out += line;
  for (const auto& [name, s] : rows) {
    std::snprintf(line, sizeof line, "%-10s %10llu  %-*s  %s\n", name.c_str(),
                  static_cast<unsigned long long>(s->sent), static_cast<int>(width),
                  StatsCell(s->statuses).c_str(), ErrorsCell(s->errors).c_str());
    out += line;
  }
  std::snprintf(
      line, sizeof line, "%llu sent in %.2f s (%.1f/s), %llu connections opened; stopped by %s\n",
      static_cast<unsigned long long>(report.total.sent), report.seconds, report.achieved_rate(),
      static_cast<unsigned long long>(report.connections), report.stopped_by.c_str());
  out += line;
  return out;
}

}  // namespace acta::sim

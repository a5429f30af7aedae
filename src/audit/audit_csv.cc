// The CSV files of the audit directory (audit_dir.h).
#include <charconv>

#include "audit/audit_dir.h"
#include "core/manifest_csv.h"

namespace acta::audit {
namespace {

// RFC 4180: quote a field holding a comma, quote or line break.
std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::unexpected<Error> BadLine(std::string_view file, size_t line, const std::string& why) {
  return MakeError(ErrorCode::kMalformed,
                   std::string(file) + ":" + std::to_string(line) + ": " + why);
}

template <typename T>
Result<T> ParseNumber(std::string_view field, std::string_view file, size_t line,
                      std::string_view what) {
  T v{};
  auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
  if (field.empty() || ec != std::errc() || end != field.data() + field.size() ||
      (field.size() > 1 && field[0] == '0')) {
    return BadLine(file, line,
                   std::string(what) + " \"" + std::string(field) + "\" is not a number");
  }
  return v;
}

std::vector<std::string> ReportedHeader(const std::vector<std::string>& candidates) {
  std::vector<std::string> h = {"table",      "region",  "region_name", "state",
                                "registered", "ballots", "error_bound"};
  h.insert(h.end(), candidates.begin(), candidates.end());
  return h;
}

}  // namespace

std::string RoundPath(uint32_t round, std::string_view file) {
  return "round-" + std::to_string(round) + "/" + std::string(file);
}

std::string ReportedCsv(const ContestReport& report, std::span<const Weight> weights) {
  std::string out;
  for (const std::string& h : ReportedHeader(report.candidates)) out += h + ",";
  out.back() = '\n';
  for (size_t i = 0; i < report.tables.size(); ++i) {
    const ReportedTable& t = report.tables[i];
    out += std::to_string(t.table_id) + "," + CsvField(t.region) + "," + CsvField(t.region_name) +
           "," + (t.counted ? "counted" : "uncounted") + "," + std::to_string(t.registered) + "," +
           std::to_string(t.ballots) + "," + WeightToDecimal(i < weights.size() ? weights[i] : 0);
    for (uint64_t v : t.votes) out += "," + std::to_string(v);
    out += "\n";
  }
  return out;
}

Result<ContestReport> ParseReportedCsv(std::string_view text, std::string_view contest_id) {
  constexpr std::string_view kFile = "reported.csv";
  const std::string_view first = text.substr(0, text.find('\n'));
  ContestReport report;
  report.contest_id = contest_id;
  size_t start = 0;
  for (size_t field = 0; start <= first.size(); ++field) {
    size_t end = std::min(first.find(',', start), first.size());
    if (field >= 7) report.candidates.emplace_back(first.substr(start, end - start));
    start = end + 1;
  }
  auto rows = ParseCsv(text, kFile, ReportedHeader(report.candidates));
  if (!rows) return std::unexpected(rows.error());
  if (report.candidates.size() < 2) return BadLine(kFile, 1, "fewer than two candidates");
  for (const CsvRow& row : *rows) {
    const auto& f = row.fields;
    ReportedTable t;
    auto id = ParseNumber<uint32_t>(f[0], kFile, row.line, "table");
    auto registered = ParseNumber<uint32_t>(f[4], kFile, row.line, "registered");
    auto ballots = ParseNumber<uint64_t>(f[5], kFile, row.line, "ballots");
    if (!id) return std::unexpected(id.error());
    if (!registered) return std::unexpected(registered.error());
    if (!ballots) return std::unexpected(ballots.error());
    if (f[3] != "counted" && f[3] != "uncounted")
      return BadLine(kFile, row.line, "state must be counted or uncounted");
    if (!report.tables.empty() && *id <= report.tables.back().table_id)
      return BadLine(kFile, row.line, "tables must be in increasing id order");
    if (!WeightFromDecimal(f[6])) return BadLine(kFile, row.line, "bad error_bound");
    t.table_id = *id;
    t.region = f[1];
    t.region_name = f[2];
    t.counted = f[3] == "counted";
    t.registered = *registered;
    t.ballots = *ballots;
    for (size_t c = 7; c < f.size(); ++c) {
      auto v = ParseNumber<uint64_t>(f[c], kFile, row.line, "votes");
      if (!v) return std::unexpected(v.error());
      t.votes.push_back(*v);
    }
    report.tables.push_back(std::move(t));
  }
  return report;
}

std::string HandCountsCsv(const ContestReport& report, const HandCounts& counts) {
  std::string out = "table";
  for (const std::string& c : report.candidates) out += "," + c;
  out += "\n";
  for (const auto& [id, votes] : counts) {
    out += std::to_string(id);
    for (uint64_t v : votes) out += "," + std::to_string(v);
    out += "\n";
  }
  return out;
}

Result<HandCounts> ParseHandCountsCsv(std::string_view text, std::string_view file,
                                      const ContestReport& report) {
  std::vector<std::string> header = {"table"};
  header.insert(header.end(), report.candidates.begin(), report.candidates.end());
  auto rows = ParseCsv(text, file, header);
  if (!rows) return std::unexpected(rows.error());
  HandCounts out;
  for (const CsvRow& row : *rows) {
    auto id = ParseNumber<uint32_t>(row.fields[0], file, row.line, "table");
    if (!id) return std::unexpected(id.error());
    std::vector<uint64_t> votes;
    for (size_t c = 1; c < row.fields.size(); ++c) {
      auto v = ParseNumber<uint32_t>(row.fields[c], file, row.line, "count");
      if (!v) return std::unexpected(v.error());
      votes.push_back(*v);
    }
    if (!out.emplace(*id, std::move(votes)).second)
      return BadLine(file, row.line, "table " + std::to_string(*id) + " appears twice");
  }
  return out;
}

}  // namespace acta::audit

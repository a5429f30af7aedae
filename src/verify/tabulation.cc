#include "verify/tabulation.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/manifest_csv.h"
#include "tally/csv_export.h"

namespace acta::verify {
namespace {

// Column layout of the table CSV (docs/FORMATS.md, "Table CSV").
constexpr size_t kStatusColumn = 6;
constexpr size_t kCountsColumn = 11;

struct LoggedTable {
  std::string status;
  std::string leaf_hash;
  std::vector<uint64_t> counts;  // every count column, contests in manifest order
};

Result<std::map<uint32_t, LoggedTable>> ReadTableCsv(http::HttpClient& client,
                                                     const Manifest& manifest,
                                                     uint64_t& checkpoint_size) {
  auto r = client.Get("/v1/export/tables.csv");
  if (!r) return std::unexpected(r.error());
  if (r->status != 200) {
    return MakeError(ErrorCode::kUnavailable,
                     "GET /v1/export/tables.csv: HTTP " + std::to_string(r->status));
  }
  checkpoint_size =
      std::strtoull(std::string(r->Header("acta-checkpoint-size")).c_str(), nullptr, 10);
  std::vector<std::string> header;
  std::istringstream names(tally::TableCsvHeader(manifest));
  for (std::string name; std::getline(names, name, ',');) {
    while (!name.empty() && name.back() == '\n') name.pop_back();
    header.push_back(name);
  }
  auto rows = ParseCsv(r->BodyText(), "tables.csv", header);
  if (!rows) return std::unexpected(rows.error());
  std::map<uint32_t, LoggedTable> out;
  const size_t counts = header.size() - kCountsColumn - 2;  // flags, leaf_hash follow
  for (const CsvRow& row : *rows) {
    LoggedTable t;
    t.status = row.fields[kStatusColumn];
    t.leaf_hash = row.fields.back();
    if (t.status != "missing") {
      for (size_t i = 0; i < counts; ++i) {
        t.counts.push_back(std::strtoull(row.fields[kCountsColumn + i].c_str(), nullptr, 10));
      }
    }
    out[static_cast<uint32_t>(std::strtoul(row.fields[0].c_str(), nullptr, 10))] = std::move(t);
  }
  return out;
}

// Flattened counts of a body, in the CSV's contest order.
std::vector<uint64_t> Flatten(const ActaBody& b) {
  std::vector<uint64_t> out;
  for (const ContestCounts& c : b.contests) {
    out.insert(out.end(), c.candidates.begin(), c.candidates.end());
    out.push_back(c.blank);
    out.push_back(c.null_votes);
  }
  return out;
}

std::vector<std::string> Differences(const ActaBody& ours, const ActaBody& logged,
                                     const Manifest& m) {
  std::vector<std::string> out;
  auto diff = [&](const std::string& field, uint64_t a, uint64_t b) {
    if (a != b) {
      out.push_back(field + ": observer " + std::to_string(a) + ", log " + std::to_string(b));
    }
  };
  diff("closing_time", ours.closing_time, logged.closing_time);
  diff("correction", ours.correction, logged.correction);
  diff("ballots_cast", ours.ballots_cast, logged.ballots_cast);
  for (size_t c = 0;
       c < m.contests.size() && c < ours.contests.size() && c < logged.contests.size(); ++c) {
    const auto& a = ours.contests[c];
    const auto& b = logged.contests[c];
    for (size_t k = 0;
         k < m.contests[c].candidates.size() && k < a.candidates.size() && k < b.candidates.size();
         ++k) {
      diff(m.contests[c].id + ":" + m.contests[c].candidates[k].id, a.candidates[k],
           b.candidates[k]);
    }
    diff(m.contests[c].id + ":blank", a.blank, b.blank);
    diff(m.contests[c].id + ":null", a.null_votes, b.null_votes);
  }
  return out;
}

TabulationRow Classify(const ObserverReport& r, const Acta& acta, const Manifest& m) {
  TabulationRow row;
  row.table_id = r.table_id;
  row.leaf_hash = HexEncode(r.leaf_hash);
  row.index = r.index;
  row.log_status = r.table_status;
  row.logged_leaf_hash = r.logged_leaf_hash;
  const auto& problems = r.report.problems;
  auto first = [&] { return problems.empty() ? std::string() : FormatProblem(problems.front()); };
  if (!r.report.Of(ProblemKind::kEntry).empty()) {
    row.holding = Holding::kInvalid;
    row.detail = first();
    return row;
  }
  const bool not_in_log = !r.index && r.report.Has(ProblemKind::kInclusion, std::nullopt,
                                                   r.table_id, r.report.latest_size);
  if (r.index && r.report.ok()) {
    row.holding = Holding::kSame;
  } else if (not_in_log && r.table_status == "missing") {
    row.holding = Holding::kMissing;
  } else if ((not_in_log || r.index) &&
             (r.table_status == "counted" || r.table_status == "conflict")) {
    row.holding = Holding::kDifferent;
    if (r.logged && r.logged_leaf_hash != row.leaf_hash)
      row.differences = Differences(acta.body, *r.logged, m);
    if (r.table_status == "conflict")
      row.detail = "the log holds different actas for this table: flagged as a conflict";
  } else {
    row.holding = Holding::kUnproven;
    row.detail = first();
  }
  return row;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

}  // namespace

std::string_view HoldingName(Holding h) {
  switch (h) {
    case Holding::kSame:
      return "same";
    case Holding::kDifferent:
      return "different";
    case Holding::kMissing:
      return "missing";
    case Holding::kInvalid:
      return "invalid";
    case Holding::kUnproven:
      return "unproven";
    case Holding::kNotHeld:
      return "not_held";
  }
  return "?";
}

size_t Tabulation::Count(Holding h) const {
  return static_cast<size_t>(std::count_if(rows.begin(), rows.end(),
                                           [h](const TabulationRow& r) { return r.holding == h; }));
}

Result<Tabulation> Tabulate(const ClientFactory& connect, const std::vector<HeldActa>& held,
                            const ObserverOptions& options, int threads) {
  auto client = connect();
  if (!client) return std::unexpected(client.error());
  Report report;
  auto log = OpenObservedLog(**client, options, report);
  if (!log) return std::unexpected(log.error());
  if (!*log) {
    return MakeError(ErrorCode::kFailedPrecondition, report.problems.empty()
                                                         ? "the log does not verify"
                                                         : FormatProblem(report.problems.front()));
  }
  const ObservedLog& observed = **log;
  const Manifest& m = observed.manifest;
  Tabulation t;
  t.checkpoint_size = observed.checkpoint.size;
  t.checkpoint_root = observed.checkpoint.root;
  auto logged = ReadTableCsv(**client, m, t.csv_checkpoint_size);
  if (!logged) return std::unexpected(logged.error());

  // One check per distinct acta; copies of the same acta share a row.
  std::map<Hash256, std::vector<size_t>> by_leaf;
  for (size_t i = 0; i < held.size(); ++i) by_leaf[held[i].acta.LeafHash()].push_back(i);
  std::vector<const std::vector<size_t>*> work;
  for (const auto& [leaf, copies] : by_leaf) work.push_back(&copies);
  std::vector<Result<TabulationRow>> results(work.size(),
                                             MakeError(ErrorCode::kInternal, "not run"));
  std::atomic<size_t> next{0};
  auto worker = [&](http::HttpClient* own) {
    std::unique_ptr<http::HttpClient> made;
    if (own == nullptr) {
      auto c = connect();
      if (!c) {
        for (size_t i; (i = next++) < work.size();) results[i] = std::unexpected(c.error());
        return;
      }
      made = std::move(*c);
      own = made.get();
    }
    for (size_t i; (i = next++) < work.size();) {
      const HeldActa& h = held[work[i]->front()];
      auto r = CheckActaInLog(*own, observed, h.acta);
      if (!r) {
        results[i] = std::unexpected(r.error());
        continue;
      }
      TabulationRow row = Classify(*r, h.acta, m);
      std::vector<std::string> sources;
      for (size_t k : *work[i]) sources.push_back(held[k].source);
      row.sources = Join(sources, ";");
      results[i] = std::move(row);
    }
  };
  {
    std::vector<std::jthread> pool;
    for (int i = 1; i < std::clamp(threads, 1, 64); ++i) pool.emplace_back(worker, nullptr);
    worker(client->get());
  }
  std::map<uint32_t, const HeldActa*> counted_copy;  // the observer's acta per table for totals
  for (size_t i = 0; i < work.size(); ++i) {
    if (!results[i]) return std::unexpected(results[i].error());
    if (results[i]->holding != Holding::kInvalid && results[i]->holding != Holding::kUnproven) {
      counted_copy.emplace(results[i]->table_id, &held[work[i]->front()]);
    }
    t.rows.push_back(std::move(*results[i]));
  }
  for (const auto& [table, lt] : *logged) {
    if (lt.status == "missing" || counted_copy.contains(table)) continue;
    TabulationRow row;
    row.table_id = table;
    row.holding = Holding::kNotHeld;
    row.log_status = lt.status;
    row.logged_leaf_hash = lt.leaf_hash;
    t.rows.push_back(std::move(row));
  }
  std::stable_sort(
      t.rows.begin(), t.rows.end(),
      [](const TabulationRow& a, const TabulationRow& b) { return a.table_id < b.table_id; });

  // Totals, flattened like the CSV's count columns.
  std::vector<uint64_t> observer, official_held, official_all;
  auto add = [](std::vector<uint64_t>& sum, const std::vector<uint64_t>& v) {
    if (sum.size() < v.size()) sum.resize(v.size());
    for (size_t i = 0; i < v.size(); ++i) sum[i] += v[i];
  };
  for (const auto& [table, lt] : *logged) {
    if (lt.status != "counted") continue;
    add(official_all, lt.counts);
    if (counted_copy.contains(table)) add(official_held, lt.counts);
  }
  for (const auto& [table, h] : counted_copy) add(observer, Flatten(h->acta.body));
  size_t at = 0;
  for (const Contest& c : m.contests) {
    ContestTotals ct;
    ct.contest = c.id;
    for (const Candidate& k : c.candidates) ct.columns.push_back(k.id);
    ct.columns.push_back("blank");
    ct.columns.push_back("null");
    for (size_t i = 0; i < ct.columns.size(); ++i, ++at) {
      auto get = [&](const std::vector<uint64_t>& v) { return at < v.size() ? v[at] : 0; };
      ct.observer.push_back(get(observer));
      ct.official_held.push_back(get(official_held));
      ct.official_all.push_back(get(official_all));
    }
    t.totals.push_back(std::move(ct));
  }
  return t;
}

std::string TabulationCsv(const Tabulation& t) {
  std::string out =
      "table_id,holding,sources,leaf_hash,log_index,log_status,logged_leaf_hash,differences,"
      "detail\n";
  for (const TabulationRow& r : t.rows) {
    out += std::to_string(r.table_id) + "," + std::string(HoldingName(r.holding)) + "," +
           CsvField(r.sources) + "," + r.leaf_hash + "," +
           (r.index ? std::to_string(*r.index) : "") + "," + r.log_status + "," +
           r.logged_leaf_hash + "," + CsvField(Join(r.differences, "; ")) + "," +
           CsvField(r.detail) + "\n";
  }
  return out;
}

std::string TabulationJson(const Tabulation& t) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["format"] = "acta-compare-v1";
  j["checkpoint"] = {{"size", t.checkpoint_size}, {"root", HexEncode(t.checkpoint_root)}};
  j["table_csv_checkpoint_size"] = t.csv_checkpoint_size;
  ordered_json summary;
  for (Holding h : {Holding::kSame, Holding::kDifferent, Holding::kMissing, Holding::kInvalid,
                    Holding::kUnproven, Holding::kNotHeld}) {
    summary[std::string(HoldingName(h))] = t.Count(h);
  }
  j["summary"] = summary;
  ordered_json tables = ordered_json::array();
  for (const TabulationRow& r : t.rows) {
    ordered_json row = {{"table", r.table_id}, {"holding", HoldingName(r.holding)}};
    if (!r.sources.empty()) row["sources"] = r.sources;
    if (!r.leaf_hash.empty()) row["leaf_hash"] = r.leaf_hash;
    if (r.index) row["log_index"] = *r.index;
    if (!r.log_status.empty()) row["log_status"] = r.log_status;
    if (!r.logged_leaf_hash.empty()) row["logged_leaf_hash"] = r.logged_leaf_hash;
    if (!r.differences.empty()) row["differences"] = r.differences;
    if (!r.detail.empty()) row["detail"] = r.detail;
    tables.push_back(std::move(row));
  }
  j["tables"] = tables;
  ordered_json totals = ordered_json::array();
  for (const ContestTotals& c : t.totals) {
    totals.push_back({{"contest", c.contest},
                      {"columns", c.columns},
                      {"observer", c.observer},
                      {"official_same_tables", c.official_held},
                      {"official_all", c.official_all}});
  }
  j["totals"] = totals;
  return j.dump(1) + "\n";
}

}  // namespace acta::verify

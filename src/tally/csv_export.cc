#include "tally/csv_export.h"

#include <array>

namespace acta::tally {
namespace {

constexpr size_t kChunk = 64 * 1024;

// RFC 4180 quoting, only when needed, so plain ids stay readable.
void AppendField(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out += '"';
  for (char ch : field) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

void AppendNumber(std::string& out, uint64_t v) {
  out += ',';
  out += std::to_string(v);
}

void AppendRow(const Tally& tally, size_t index, std::string& out) {
  const Manifest& m = tally.manifest();
  const TableRecord& table = m.tables[index];
  // Region codes by level: state, municipality, parish, voting center.
  std::array<std::string_view, 4> path{};
  for (int32_t r = static_cast<int32_t>(table.region); r >= 0; r = m.regions[r].parent) {
    const auto level = static_cast<size_t>(m.regions[r].level);
    if (level >= 1 && level <= 4) path[level - 1] = m.regions[r].code;
  }
  out += std::to_string(table.id);
  for (std::string_view code : path) {
    out += ',';
    AppendField(out, code);
  }
  AppendNumber(out, table.registered);
  const TableState state = tally.StateAt(index);
  out += ',';
  out += TableStateName(state);
  if (state == TableState::kMissing) {
    // seq, closing_time, correction, ballots_cast, every count, flags, leaf.
    out.append(4 + tally.slots() + 2, ',');
    out += '\n';
    return;
  }
  const TableStatus status = tally.StatusAt(index);
  const ActaBody& body = *status.body;
  AppendNumber(out, status.seq);
  AppendNumber(out, body.closing_time);
  AppendNumber(out, body.correction);
  AppendNumber(out, body.ballots_cast);
  for (uint32_t count : tally.CountsAt(index)) AppendNumber(out, count);
  out += ',';
  bool first = true;
  for (std::string_view name : TableFlagNames(status.flags)) {
    if (!first) out += '|';
    out += name;
    first = false;
  }
  out += ',';
  out += HexEncode(status.leaf_hash);
  out += '\n';
}

}  // namespace

std::string TableCsvHeader(const Manifest& manifest) {
  std::string out =
      "table_id,state,municipality,parish,center,registered,status,seq,closing_time,correction,"
      "ballots_cast";
  for (const Contest& c : manifest.contests) {
    for (const Candidate& cand : c.candidates) {
      out += ',';
      AppendField(out, c.id + ":" + cand.id);
    }
    out += ',';
    AppendField(out, c.id + ":blank");
    out += ',';
    AppendField(out, c.id + ":null");
  }
  out += ",flags,leaf_hash\n";
  return out;
}

void WriteTableCsv(const Tally& tally, const std::function<void(std::string_view)>& sink) {
  std::string buffer = TableCsvHeader(tally.manifest());
  buffer.reserve(kChunk + 4096);
  const size_t n = tally.manifest().tables.size();
  for (size_t i = 0; i < n; ++i) {
    AppendRow(tally, i, buffer);
    if (buffer.size() >= kChunk) {
      sink(buffer);
      buffer.clear();
    }
  }
  if (!buffer.empty()) sink(buffer);
}

std::string TableCsv(const Tally& tally) {
  std::string out;
  WriteTableCsv(tally, [&out](std::string_view chunk) { out += chunk; });
  return out;
}

}  // namespace acta::tally

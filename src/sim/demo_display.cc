#include "sim/demo_display.h"

#include <fmt/format.h>

#include <algorithm>

namespace acta::sim {

std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Terminal columns of UTF-8 text: one per code point (no wide scripts in
// the names acta prints).
size_t Columns(const std::string& text) {
  size_t n = 0;
  for (unsigned char ch : text) n += (ch & 0xC0) != 0x80;
  return n;
}

// Pads to `width` columns counting UTF-8 code points, so accented names
// line up; longer text is cut at a code point boundary.
std::string PadRight(const std::string& text, size_t width) {
  std::string out;
  size_t columns = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool starts_char = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts_char && columns == width) break;
    columns += starts_char;
    out += text[i];
  }
  out.append(width - columns, ' ');
  return out;
}

std::string StatusLine(const FleetSnapshot& s, double elapsed_seconds, double actas_per_second,
                       uint64_t counted, const std::vector<std::string>& link_names) {
  const double pct =
      s.tables ? 100.0 * static_cast<double>(counted) / static_cast<double>(s.tables) : 0;
  std::string line = fmt::format(
      "{:6.1f}s  closed {}  receipts {}  counted {}/{} {:5.1f}%  {:>6} actas/s  retries {}",
      elapsed_seconds, Thousands(s.closed), Thousands(s.delivered), Thousands(counted),
      Thousands(s.tables), pct, Thousands(static_cast<uint64_t>(actas_per_second)),
      Thousands(s.retries));
  line += " |";
  for (size_t i = 0; i < s.links.size() && i < link_names.size(); ++i) {
    line += fmt::format(" {} {}/{}", link_names[i], Thousands(s.links[i].delivered),
                        Thousands(s.links[i].tables));
  }
  return line;
}

std::string BulletinTable(const tally::Tally& tally, uint64_t checkpoint_size,
                          double elapsed_seconds) {
  const Manifest& m = tally.manifest();
  const tally::RegionTotals t = tally.Totals(0);
  std::string out = fmt::format(
      "\n== Bulletin at {:.1f}s (checkpoint {}) ==  tables counted {}/{} ({:.2f}%)  turnout {}%  "
      "ballots {} of {} registered in counted tables\n",
      elapsed_seconds, Thousands(checkpoint_size), Thousands(t.tables_counted),
      Thousands(t.tables_expected),
      t.tables_expected ? 100.0 * t.tables_counted / t.tables_expected : 0.0,
      fmt::format("{}.{:02}", t.TurnoutBasisPoints() / 100, t.TurnoutBasisPoints() % 100),
      Thousands(t.ballots_cast), Thousands(t.registered_counted));
  for (size_t c = 0; c < m.contests.size() && c < t.contests.size(); ++c) {
    const auto& ct = t.contests[c];
    uint64_t valid = ct.blank + ct.null_votes;
    for (uint64_t v : ct.candidates) valid += v;
    auto label = [&](size_t k) {
      const auto& cand = m.contests[c].candidates[k];
      return cand.name + (cand.party.empty() ? "" : " (" + cand.party + ")");
    };
    // The name column is as wide as its longest name (in code points, so
    // accents do not shift the numbers), within bounds.
    size_t width = std::max<size_t>(Columns(m.contests[c].name), 2) - 2;
    for (size_t k = 0; k < m.contests[c].candidates.size(); ++k)
      width = std::max(width, Columns(label(k)));
    width = std::clamp<size_t>(width, 32, 72);
    out += fmt::format("  {} {:>14} {:>8}   {}\n", PadRight(m.contests[c].name, width + 2), "votes",
                       "share",
                       ct.irreversible ? "IRREVERSIBLE (margin " + Thousands(ct.margin) +
                                             " > remaining " + Thousands(ct.remaining) + ")"
                                       : "not yet decided (margin " + Thousands(ct.margin) +
                                             ", remaining " + Thousands(ct.remaining) + ")");
    auto row = [&](const std::string& name, uint64_t votes, bool leader) {
      out += fmt::format(
          "  {} {} {:>14} {:>7.2f}%\n", leader ? "*" : " ", PadRight(name, width), Thousands(votes),
          valid ? 100.0 * static_cast<double>(votes) / static_cast<double>(valid) : 0.0);
    };
    for (size_t k = 0; k < ct.candidates.size() && k < m.contests[c].candidates.size(); ++k)
      row(label(k), ct.candidates[k], static_cast<int32_t>(k) == ct.leader);
    row("blank", ct.blank, false);
    row("null", ct.null_votes, false);
  }
  return out;
}

TruthCheck CheckAgainstTruth(const tally::Tally& tally, const Truth& truth) {
  TruthCheck check;
  const Manifest& m = tally.manifest();
  std::vector<uint64_t> sums(tally.slots(), 0);
  for (size_t i = 0; i < m.tables.size(); ++i) {
    const ActaBody expected = truth.BodyFor(i);
    size_t slot = 0;
    for (const auto& c : expected.contests) {
      for (uint32_t v : c.candidates) sums[slot++] += v;
      sums[slot++] += c.blank;
      sums[slot++] += c.null_votes;
    }
    if (tally.StateAt(i) != tally::TableState::kCounted) {
      ++check.mismatches;
      if (check.examples.size() < 5) {
        check.examples.push_back(
            fmt::format("table {}: {}", m.tables[i].id, tally::TableStateName(tally.StateAt(i))));
      }
      continue;
    }
    ++check.counted;
    const tally::TableStatus status = tally.StatusAt(i);
    if (!status.body || status.body->ballots_cast != expected.ballots_cast ||
        status.body->contests != expected.contests) {
      ++check.mismatches;
      if (check.examples.size() < 5) {
        check.examples.push_back(
            fmt::format("table {}: counted acta differs from the truth", m.tables[i].id));
      }
    }
  }
  const tally::RegionTotals t = tally.Totals(0);
  size_t slot = 0;
  bool equal = true;
  for (const auto& ct : t.contests) {
    for (uint64_t v : ct.candidates) equal &= v == sums[slot++];
    equal &= ct.blank == sums[slot++];
    equal &= ct.null_votes == sums[slot++];
  }
  check.totals_equal = equal && slot == sums.size();
  return check;
}

}  // namespace acta::sim

#include "print/sheet.h"

#include <cairo.h>

#include <algorithm>
#include <string>

#include "print/page_sink.h"
#include "terminal/qr.h"

namespace acta::print {
namespace {

constexpr double kMargin = 40;  // points, about 14 mm: inside any printer's margin
constexpr double kLine = 13;    // body line height
constexpr double kFooter = 46;  // reserved at the bottom of each page
constexpr double kQrWidth =
    240;  // 85 mm with the quiet zone: a 1,024-byte acta (version 26) keeps 0.65 mm modules
constexpr const char* kFont = "DejaVu Sans";
constexpr const char* kMono = "DejaVu Sans Mono";

std::string Count(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out += '.';  // 12.345, as the sheet's readers write it
    out += digits[i];
  }
  return out;
}

// Draws flowing text lines; starts a new page when the next line would run
// into the footer.
class Writer {
 public:
  Writer(PageSink& sink, PageSize size, std::string footer)
      : sink_(sink), size_(size), footer_(std::move(footer)) {}

  cairo_t* cr() { return cr_; }
  double y() const { return y_; }
  void set_y(double y) { y_ = y; }
  double right() const { return size_.width - kMargin; }

  void NewPage() {
    if (cr_ != nullptr) DrawFooter();
    cr_ = sink_.NewPage();
    ++page_;
    y_ = kMargin;
  }
  // Room for `height` more points on this page, or a new page.
  void Need(double height) {
    if (cr_ == nullptr || y_ + height > size_.height - kFooter) NewPage();
  }
  void Text(double x, const std::string& s, double size, bool bold = false,
            const char* face = kFont) {
    cairo_select_font_face(cr_, face, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr_, size);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_move_to(cr_, x, y_);
    cairo_show_text(cr_, s.c_str());
  }
  // Right-aligned at x.
  void TextRight(double x, const std::string& s, double size, bool bold = false) {
    cairo_select_font_face(cr_, kFont, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr_, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr_, s.c_str(), &e);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_move_to(cr_, x - e.x_advance, y_);
    cairo_show_text(cr_, s.c_str());
  }
  // `s` cut (at a UTF-8 boundary, with an ellipsis) to fit `width`, measured
  // in the weight it is drawn in: bold is wider, and a bold title measured
  // as regular ran into the QR code's quiet zone and finder pattern.
  std::string Fit(const std::string& s, double width, double size, bool bold = false) {
    cairo_select_font_face(cr_, kFont, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr_, size);
    std::string t = s;
    for (bool cut = false;; cut = true) {
      const std::string shown = cut ? t + "\u2026" : t;
      cairo_text_extents_t e;
      cairo_text_extents(cr_, shown.c_str(), &e);
      if (e.x_advance <= width || t.empty()) return shown;
      do t.pop_back();
      while (!t.empty() && (static_cast<unsigned char>(t.back()) & 0xc0) == 0x80);
      if (!t.empty() && static_cast<unsigned char>(t.back()) >= 0xc0) t.pop_back();
    }
  }
  void Rule(double x0, double x1, double width = 0.6) {
    cairo_set_line_width(cr_, width);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_move_to(cr_, x0, y_);
    cairo_line_to(cr_, x1, y_);
    cairo_stroke(cr_);
  }
  Result<std::vector<Bytes>> Finish() {
    DrawFooter();
    return sink_.Finish();
  }

 private:
  void DrawFooter() {
    const double saved = y_;
    y_ = size_.height - kFooter + 14;
    Rule(kMargin, right(), 0.4);
    y_ += 12;
    Text(kMargin, footer_, 7.5);
    TextRight(right(), std::to_string(page_), 7.5);
    y_ += 10;
    Text(kMargin,
         "Compruebe / Check: fotografíe la hoja y ábrala en la página de observadores de un "
         "centro o espejo, o: acta inspect FOTO --election DIR",
         7.5);
    y_ = saved;
  }

  PageSink& sink_;
  PageSize size_;
  std::string footer_;
  cairo_t* cr_ = nullptr;
  int page_ = 0;
  double y_ = kMargin;
};

// The QR code as one filled path of dark modules, crisp at any resolution,
// inside its quiet zone of four modules (part of `width`).
void DrawQr(cairo_t* cr, const qr::QrCode& code, double x, double y, double width) {
  const double m = width / (code.size + 8);
  x += 4 * m;
  y += 4 * m;
  cairo_save(cr);
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int row = 0; row < code.size; ++row) {
    for (int col = 0; col < code.size; ++col) {
      if (code.dark(col, row)) cairo_rectangle(cr, x + col * m, y + row * m, m, m);
    }
  }
  cairo_fill(cr);
  cairo_restore(cr);
}

// Voting center up to the country, as "parish, municipality, state".
std::vector<const Region*> RegionPath(const Manifest& m, uint32_t region) {
  std::vector<const Region*> path;
  for (int32_t r = static_cast<int32_t>(region); r >= 0;
       r = m.regions[static_cast<size_t>(r)].parent) {
    path.push_back(&m.regions[static_cast<size_t>(r)]);
  }
  return path;
}

void DrawHeader(Writer& w, const Acta& acta, const Manifest& m, const TableRecord& table,
                const qr::QrCode& code) {
  const ActaBody& b = acta.body;
  w.NewPage();
  const double qr_x = w.right() - kQrWidth;
  const double top = w.y();
  DrawQr(w.cr(), code, qr_x, top, kQrWidth);

  const double text_width = qr_x - kMargin;
  w.set_y(top + 14);
  w.Text(kMargin, w.Fit(m.name, text_width, 15, true), 15, true);
  w.set_y(w.y() + 18);
  w.Text(kMargin, "Acta de escrutinio · Tally sheet", 11);
  w.set_y(w.y() + 26);
  w.Text(kMargin, "Mesa · Table " + std::to_string(b.table_id), 20, true);
  w.set_y(w.y() + 20);
  for (const Region* r : RegionPath(m, table.region)) {
    w.Text(kMargin, w.Fit(r->name + "  (" + r->code + ")", text_width, 9), 9);
    w.set_y(w.y() + 11.5);
  }
  w.set_y(w.y() + 8);
  const auto field = [&](const std::string& label, const std::string& value) {
    w.Text(kMargin, label, 9);
    w.TextRight(qr_x, value, 10, true);
    w.set_y(w.y() + kLine + 1);
  };
  field("Electores inscritos · Registered voters", Count(table.registered));
  field("Votantes · Ballots cast", Count(b.ballots_cast));
  field("Cierre · Closing time (UTC)", FormatUtcTimestamp(b.closing_time));
  field("Corrección · Correction", std::to_string(b.correction));

  // Under the code: the fingerprint, in groups a person can read out.
  const double qr_text_x = qr_x + 18;
  double y = top + kQrWidth;
  w.set_y(y);
  w.Text(qr_text_x, "Huella · Fingerprint (SHA-256 leaf hash)", 7.5);
  const std::string hex = HexEncode(acta.LeafHash());
  for (int line = 0; line < 4; ++line) {
    std::string groups;
    for (int g = 0; g < 4; ++g) {
      if (g > 0) groups += ' ';
      groups += hex.substr(static_cast<size_t>(line * 16 + g * 4), 4);
    }
    w.set_y(w.y() + 11);
    w.Text(qr_text_x, groups, 9, false, kMono);
  }
  w.set_y(w.y() + 11);
  w.Text(qr_text_x, "Elección · Election " + HexEncode(m.election_id).substr(0, 16), 7.5);
  w.set_y(std::max(w.y(), y) + 22);
}

void DrawContest(Writer& w, const Contest& contest, const ContestCounts& counts,
                 uint32_t ballots_cast) {
  const double x_party = kMargin + 250, x_votes = w.right();
  w.Need(3 * kLine + 10);
  w.Text(kMargin, w.Fit(contest.name, x_votes - kMargin, 11, true), 11, true);
  w.set_y(w.y() + 5);
  w.Rule(kMargin, x_votes, 0.9);
  const auto row = [&](const std::string& name, const std::string& party, uint64_t votes,
                       bool bold) {
    w.Need(kLine);
    w.set_y(w.y() + kLine);
    w.Text(kMargin, w.Fit(name, x_party - kMargin - 8, 9.5, bold), 9.5, bold);
    w.Text(x_party, w.Fit(party, x_votes - x_party - 70, 9.5, bold), 9.5, bold);
    w.TextRight(x_votes, Count(votes), 10, true);
  };
  for (size_t k = 0; k < contest.candidates.size(); ++k) {
    row(contest.candidates[k].name, contest.candidates[k].party, counts.candidates[k], false);
  }
  row("Votos en blanco · Blank", "", counts.blank, false);
  row("Votos nulos · Null", "", counts.null_votes, false);
  w.set_y(w.y() + 4);
  w.Rule(kMargin, x_votes, 0.4);
  const uint64_t total = counts.Total();
  row(total == ballots_cast ? "Total" : "Total (≠ votantes · ballots cast!)", "", total, true);
  w.set_y(w.y() + 20);
}

}  // namespace

PageSize PaperSize(Paper paper) {
  return paper == Paper::kA4 ? PageSize{595.276, 841.89} : PageSize{612, 792};
}

Result<std::vector<Bytes>> RenderSheet(const Acta& acta, const Manifest& manifest,
                                       const SheetOptions& options) {
  const ActaBody& b = acta.body;
  const TableRecord* table = manifest.FindTable(b.table_id);
  if (b.election_id != manifest.election_id || table == nullptr ||
      b.contests.size() != manifest.contests.size()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "the acta of table " + std::to_string(b.table_id) + " is not an acta of this election");
  }
  for (size_t i = 0; i < b.contests.size(); ++i) {
    if (b.contests[i].candidates.size() != manifest.contests[i].candidates.size()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "contest " + manifest.contests[i].id + " has another candidate count");
    }
  }
  if (options.format == SheetFormat::kPng && (options.png_dpi < 72 || options.png_dpi > 600)) {
    return MakeError(ErrorCode::kInvalidArgument, "PNG resolution must be 72..600 dpi");
  }
  auto code = qr::Encode(ActaToText(acta));
  if (!code) return std::unexpected(code.error());
  auto sink = PageSink::Create(options);
  Writer w(*sink, PaperSize(options.paper),
           "acta v1 · " + manifest.name + " · mesa · table " + std::to_string(b.table_id));
  DrawHeader(w, acta, manifest, *table, *code);
  for (size_t i = 0; i < b.contests.size(); ++i) {
    DrawContest(w, manifest.contests[i], b.contests[i], b.ballots_cast);
  }
  return w.Finish();
}

}  // namespace acta::print

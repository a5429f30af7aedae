// The photo benchmark (issue #18): the share of a fixed set of degraded
// phone photos of the printed sheet whose QR code is decoded, by
// degradation, by acta's reader (photo::DecodePhoto + ScanQrCodes) and by
// zbarimg (Debian's zbar-tools) on the same JPEG files, with the time per
// photo of each. zbarimg is the limit: the ratio is acta's share over its.
//
//   photo_decode --out photo.json [--seeds N] [--zbarimg PATH] [--keep DIR]
//   photo_decode --decode DIR --out decoded.json [--zbarimg PATH]
//
// The second form decodes photos made elsewhere (every *.jpg in DIR, by
// name) with both readers and writes, per file, the texts each found and
// its time: bench/observer_decode.mjs puts the observers' page in the
// browser beside them on the same photos in the same run.
//
// Photos: the sheet (acta print, A4 PNG at 200 dpi) of a typical and of the
// largest (1,024-byte) acta, photographed by photo::testing::TakePhoto into
// a 2250 x 3000 (6.75 MP) frame, saved as JPEG quality 85 unless the
// degradation is the JPEG quality itself. Every photo is seeded.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/file.h"
#include "photo/image_file.h"
#include "photo/qr_scan.h"
#include "photo/testing/degrade.h"
#include "print/sheet.h"
#include "print/testing/largest_acta.h"

namespace acta::bench {
namespace {

using photo::testing::Shot;

struct Level {
  std::string degradation;
  std::string level;
  Shot shot;
  int quality = 85;
};

std::vector<Level> Levels() {
  std::vector<Level> out;
  auto add = [&](const std::string& d, const std::string& l, auto set, int quality = 85) {
    Level level{d, l, Shot{}, quality};
    level.shot.frame_width = 2250;
    level.shot.frame_height = 3000;
    level.shot.noise = 4;  // every sensor has some
    set(level.shot);
    out.push_back(level);
  };
  add("none", "upright, sharp", [](Shot&) {});
  // The page kept whole in the frame, as a person frames it.
  for (auto [deg, fill] : {std::pair{15.0, 0.75}, {45.0, 0.55}, {90.0, 0.6}, {180.0, 0.85}}) {
    add("rotation", std::to_string(static_cast<int>(deg)) + "°", [=](Shot& s) {
      s.degrees = deg;
      s.fill = fill;
    });
  }
  for (double t : {0.2, 0.35, 0.5}) {
    add("perspective", "far edge " + std::to_string(static_cast<int>(t * 100)) + " % narrower",
        [=](Shot& s) {
          s.tilt = t;
          s.degrees = 3;
        });
  }
  for (double b : {1.5, 2.5, 3.5, 5.0}) {
    char l[32];
    std::snprintf(l, sizeof l, "Gaussian σ %.1f px", b);
    add("blur", l, [=](Shot& s) { s.blur_sigma = b; });
  }
  for (int n : {40, 80, 120}) {
    add("noise", "±" + std::to_string(n) + " of 255", [=](Shot& s) { s.noise = n; });
  }
  for (double c : {0.3, 0.15, 0.08}) {
    add("low contrast", "ink " + std::to_string(static_cast<int>(c * 100)) + " % darker than paper",
        [=](Shot& s) { s.contrast = c; });
  }
  for (double sh : {0.6, 0.85}) {
    add("uneven light",
        "down to " + std::to_string(static_cast<int>((1 - sh) * 100)) + " % at the bottom",
        [=](Shot& s) { s.shadow = sh; });
  }
  add("negative", "light on dark", [](Shot& s) { s.negative = true; });
  for (double f : {0.45, 0.3}) {
    add("far away", "page " + std::to_string(static_cast<int>(f * 100)) + " % of the frame",
        [=](Shot& s) { s.fill = f; });
  }
  for (int q : {25, 10}) {
    add(
        "JPEG quality", "quality " + std::to_string(q), [](Shot&) {}, q);
  }
  add("combined", "20°, tilt 0.2, σ 1.5, ±30, contrast 0.5, light 0.4", [](Shot& s) {
    s.degrees = 20;
    s.tilt = 0.2;
    s.blur_sigma = 1.5;
    s.noise = 30;
    s.contrast = 0.5;
    s.shadow = 0.4;
  });
  return out;
}

struct Tally {
  int files = 0, ours = 0, zbar = 0;
  double ours_ms = 0, zbar_ms = 0;
};

// The texts zbarimg finds in `file`, one per symbol.
std::vector<std::string> ZbarTexts(const std::string& zbarimg, const std::string& file) {
  const std::string cmd =
      zbarimg + " -q --raw -Sdisable -Sqrcode.enable '" + file + "' 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return {};
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  pclose(p);
  std::vector<std::string> texts;
  for (size_t start = 0; start < out.size();) {
    size_t nl = out.find('\n', start);
    if (nl == std::string::npos) nl = out.size();
    if (nl > start) texts.push_back(out.substr(start, nl - start));
    start = nl + 1;
  }
  return texts;
}

bool ZbarDecodes(const std::string& zbarimg, const std::string& file, const std::string& want) {
  for (const std::string& t : ZbarTexts(zbarimg, file))
    if (t == want) return true;
  return false;
}

// acta's reader on one photo file, as `acta inspect` reads it.
std::vector<std::string> ActaTexts(const std::string& file) {
  auto bytes = ReadFile(file);
  if (!bytes) return {};
  auto image = photo::DecodePhoto(*bytes);
  if (!image) return {};
  auto found = photo::ScanQrCodes(*image);
  return found ? *found : std::vector<std::string>{};
}

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

int Run(const std::string& out_path, int seeds, const std::string& zbarimg, std::string keep) {
  const bool keep_files = !keep.empty();
  if (!keep_files)
    keep =
        std::filesystem::temp_directory_path() / ("acta-photo-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(keep);
  const print::testing::ManifestAndActa actas[] = {print::testing::TypicalActa(),
                                                   print::testing::LargestActa()};
  std::vector<qr::GrayImage> pages;
  std::vector<std::string> texts;
  for (const auto& a : actas) {
    auto png =
        print::RenderSheet(a.acta, a.manifest, {print::Paper::kA4, print::SheetFormat::kPng, 200});
    if (!png) {
      std::fprintf(stderr, "photo_decode: %s\n", png.error().ToString().c_str());
      return 1;
    }
    pages.push_back(*photo::DecodePhoto(png->front()));
    texts.push_back(ActaToText(a.acta));
  }
  const std::vector<Level> levels = Levels();
  std::vector<Tally> tallies(levels.size());
  int n = 0;
  for (size_t li = 0; li < levels.size(); ++li) {
    for (size_t ai = 0; ai < pages.size(); ++ai) {
      for (int seed = 1; seed <= seeds; ++seed) {
        Shot shot = levels[li].shot;
        shot.seed = static_cast<uint64_t>(seed * 1000 + li * 10 + ai);
        // Each seed turns the page a little more, as hands do.
        shot.degrees += (seed - 1) * 1.7;
        auto jpeg = photo::testing::EncodeJpeg(photo::testing::TakePhoto(pages[ai], shot),
                                               levels[li].quality);
        const std::string file = keep + "/photo-" + std::to_string(++n) + ".jpg";
        if (!jpeg || !WriteFileAtomic(file, *jpeg)) return 1;
        Tally& t = tallies[li];
        ++t.files;
        auto t0 = std::chrono::steady_clock::now();
        const auto found = ActaTexts(file);
        const bool ok = found.size() == 1 && found.front() == texts[ai];
        t.ours_ms += MsSince(t0);
        t.ours += ok;
        t0 = std::chrono::steady_clock::now();
        t.zbar += ZbarDecodes(zbarimg, file, texts[ai]);
        t.zbar_ms += MsSince(t0);
        if (!keep_files) std::filesystem::remove(file);
      }
    }
    std::fprintf(stderr, "photo_decode: %-13s %-45s acta %d/%d  zbarimg %d/%d\n",
                 levels[li].degradation.c_str(), levels[li].level.c_str(), tallies[li].ours,
                 tallies[li].files, tallies[li].zbar, tallies[li].files);
  }
  if (!keep_files) std::filesystem::remove_all(keep);

  auto pct = [](int k, int n) { return std::to_string(n == 0 ? 0 : (100 * k + n / 2) / n) + " %"; };
  auto ms = [](double total, int n) {
    char b[32];
    std::snprintf(b, sizeof b, "%.0f ms", n == 0 ? 0 : total / n);
    return std::string(b);
  };
  nlohmann::json rows = nlohmann::json::array();
  Tally all;
  for (size_t li = 0; li < levels.size(); ++li) {
    const Tally& t = tallies[li];
    all.files += t.files;
    all.ours += t.ours;
    all.zbar += t.zbar;
    all.ours_ms += t.ours_ms;
    all.zbar_ms += t.zbar_ms;
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%.2f",
                  t.zbar == 0 ? 0.0 : static_cast<double>(t.ours) / t.zbar);
    rows.push_back({levels[li].degradation, levels[li].level, std::to_string(t.files),
                    pct(t.ours, t.files), pct(t.zbar, t.files), t.zbar == 0 ? "∞" : ratio,
                    ms(t.ours_ms, t.files), ms(t.zbar_ms, t.files)});
  }
  char ratio[32];
  std::snprintf(ratio, sizeof ratio, "%.2f",
                all.zbar == 0 ? 0.0 : static_cast<double>(all.ours) / all.zbar);
  rows.push_back({"**all**", "", std::to_string(all.files), pct(all.ours, all.files),
                  pct(all.zbar, all.files), ratio, ms(all.ours_ms, all.files),
                  ms(all.zbar_ms, all.files)});
  nlohmann::json doc = {
      {"title", "Photos of the printed acta"},
      {"columns",
       {"degradation", "level", "photos", "acta decodes", "zbarimg decodes", "ratio",
        "acta time/photo", "zbarimg time/photo"}},
      {"rows", rows},
      {"notes",
       {"Each photo: the A4 sheet of `acta print` (200 dpi) of a typical acta and of the largest "
        "(1,024-byte) acta, photographed into a 2250 x 3000 frame (6.75 MP) by "
        "`photo::testing::TakePhoto` (projective warp, blur, noise, contrast, light), " +
        std::to_string(seeds) +
        " seeds per acta (each turned 1.7° more), saved as JPEG (quality 85 unless stated). "
        "Decoded means the QR text equals the acta's exactly. acta: `photo::DecodePhoto` + "
        "`photo::ScanQrCodes` in-process; zbarimg: `zbarimg -q --raw -Sdisable -Sqrcode.enable` "
        "as a process per file (its time includes start-up and its own JPEG decode). The "
        "ratio is acta's share over zbarimg's (∞ where zbarimg decoded none). Regenerate: "
        "`build/release/bench/photo_decode --out photo.json` then `bench/report.py photo "
        "photo.json`, or `make bench`."}}};
  std::ofstream(out_path) << doc.dump(2) << "\n";
  return 0;
}

// --decode: every *.jpg of `dir`, by name, through both readers.
int DecodeDir(const std::string& dir, const std::string& out_path, const std::string& zbarimg) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".jpg") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  nlohmann::json rows = nlohmann::json::array();
  for (const std::string& file : files) {
    auto t0 = std::chrono::steady_clock::now();
    const auto ours = ActaTexts(file);
    const double ours_ms = MsSince(t0);
    t0 = std::chrono::steady_clock::now();
    const auto zbar = ZbarTexts(zbarimg, file);
    rows.push_back({{"file", std::filesystem::path(file).filename().string()},
                    {"acta", ours},
                    {"acta_ms", ours_ms},
                    {"zbarimg", zbar},
                    {"zbarimg_ms", MsSince(t0)}});
  }
  std::ofstream(out_path) << rows.dump(2) << "\n";
  return files.empty() ? 1 : 0;
}

}  // namespace
}  // namespace acta::bench

int main(int argc, char** argv) {
  std::string out, zbarimg = "zbarimg", keep, decode;
  int seeds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--out")
      out = argv[i + 1];
    else if (a == "--seeds")
      seeds = std::atoi(argv[i + 1]);
    else if (a == "--zbarimg")
      zbarimg = argv[i + 1];
    else if (a == "--keep")
      keep = argv[i + 1];
    else if (a == "--decode")
      decode = argv[i + 1];
    else {
      std::fprintf(stderr, "photo_decode: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (out.empty() || seeds < 1 || seeds > 50) {
    std::fprintf(
        stderr,
        "usage: photo_decode --out FILE.json [--seeds 1..50] [--zbarimg PATH] [--keep DIR]\n"
        "       photo_decode --decode DIR --out FILE.json [--zbarimg PATH]\n");
    return 2;
  }
  if (!decode.empty()) return acta::bench::DecodeDir(decode, out, zbarimg);
  return acta::bench::Run(out, seeds, zbarimg, keep);
}

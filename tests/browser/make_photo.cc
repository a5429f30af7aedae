// make_photo: a phone photo of a printed acta sheet for the observers'
// page's browser test. Reads the page `acta print` wrote (PNG), photographs
// it with photo::testing::TakePhoto (the degradations the C++ photo tests
// and bench/photo_decode use) and writes a JPEG, optionally stored sideways
// with an EXIF orientation tag as phones do.
//
//   make_photo SHEET.png OUT.jpg [--degrees D] [--tilt T] [--blur S]
//              [--noise N] [--contrast C] [--fill F] [--orientation O]
//              [--quality Q] [--seed S]
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "core/file.h"
#include "photo/image_file.h"
#include "photo/testing/degrade.h"

int main(int argc, char** argv) {
  using namespace acta;
  if (argc < 3 || (argc - 3) % 2 != 0) {
    std::fprintf(stderr, "usage: make_photo SHEET.png OUT.jpg [--option value]...\n");
    return 2;
  }
  std::map<std::string, double> opt = {{"--degrees", 0},     {"--tilt", 0},     {"--blur", 0},
                                       {"--noise", 0},       {"--contrast", 1}, {"--fill", 0.85},
                                       {"--orientation", 0}, {"--quality", 80}, {"--seed", 1}};
  for (int i = 3; i + 1 < argc; i += 2) {
    auto it = opt.find(argv[i]);
    if (it == opt.end()) {
      std::fprintf(stderr, "make_photo: unknown option %s\n", argv[i]);
      return 2;
    }
    it->second = std::strtod(argv[i + 1], nullptr);
  }
  auto file = ReadFile(argv[1]);
  if (!file) {
    std::fprintf(stderr, "make_photo: %s\n", file.error().message.c_str());
    return 1;
  }
  auto page = photo::DecodePhoto(*file);
  if (!page) {
    std::fprintf(stderr, "make_photo: %s\n", page.error().message.c_str());
    return 1;
  }
  photo::testing::Shot shot;
  shot.degrees = opt["--degrees"];
  shot.tilt = opt["--tilt"];
  shot.blur_sigma = opt["--blur"];
  shot.noise = static_cast<int>(opt["--noise"]);
  shot.contrast = opt["--contrast"];
  shot.fill = opt["--fill"];
  shot.seed = static_cast<uint64_t>(opt["--seed"]);
  const int orientation = static_cast<int>(opt["--orientation"]);
  qr::GrayImage photo = photo::testing::TakePhoto(*page, shot);
  if (orientation > 0) photo = photo::testing::StoreAs(photo, orientation);
  auto jpeg = photo::testing::EncodeJpeg(photo, static_cast<int>(opt["--quality"]), orientation);
  if (!jpeg) {
    std::fprintf(stderr, "make_photo: %s\n", jpeg.error().message.c_str());
    return 1;
  }
  if (auto w = WriteFileAtomic(argv[2], *jpeg); !w) {
    std::fprintf(stderr, "make_photo: %s\n", w.error().message.c_str());
    return 1;
  }
  return 0;
}

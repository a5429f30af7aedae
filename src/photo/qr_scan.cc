#include "photo/qr_scan.h"

#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <functional>

namespace acta::photo {
namespace {

// One ZXing pass; exceptions (ZXing throws on internal limits) count as
// "nothing found" for that pass only.
std::vector<std::string> Read(const qr::GrayImage& image, ZXing::Binarizer binarizer) {
  std::vector<std::string> out;
  if (image.width < 21 || image.height < 21) return out;
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setTryHarder(true);
  hints.setTryRotate(true);
  hints.setTryDownscale(true);
  hints.setBinarizer(binarizer);
  try {
    const ZXing::Results results = ZXing::ReadBarcodes(
        ZXing::ImageView(image.pixels.data(), image.width, image.height, ZXing::ImageFormat::Lum),
        hints);
    for (const ZXing::Result& r : results) {
      if (r.isValid() && std::find(out.begin(), out.end(), r.text()) == out.end()) {
        out.push_back(r.text());
      }
    }
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

// Stretches the darkest 1 % to black and the lightest 1 % to white.
qr::GrayImage Stretch(const qr::GrayImage& image) {
  size_t histogram[256] = {};
  for (uint8_t p : image.pixels) ++histogram[p];
  const size_t cut = image.pixels.size() / 100;
  int lo = 0, hi = 255;
  for (size_t sum = 0; lo < 255 && (sum += histogram[lo]) <= cut;) ++lo;
  for (size_t sum = 0; hi > 0 && (sum += histogram[hi]) <= cut;) --hi;
  qr::GrayImage out = image;
  if (hi <= lo) return out;
  for (uint8_t& p : out.pixels) {
    p = static_cast<uint8_t>(std::clamp((p - lo) * 255 / (hi - lo), 0, 255));
  }
  return out;
}

}  // namespace

qr::GrayImage BoxReduce(const qr::GrayImage& image, int factor) {
  qr::GrayImage out;
  out.width = image.width / factor;
  out.height = image.height / factor;
  out.pixels.resize(static_cast<size_t>(out.width) * out.height);
  const int area = factor * factor;
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      int sum = 0;
      for (int dy = 0; dy < factor; ++dy) {
        const uint8_t* row =
            &image.pixels[static_cast<size_t>(y * factor + dy) * image.width + x * factor];
        for (int dx = 0; dx < factor; ++dx) sum += row[dx];
      }
      out.pixels[static_cast<size_t>(y) * out.width + x] = static_cast<uint8_t>(sum / area);
    }
  }
  return out;
}

qr::GrayImage Negative(const qr::GrayImage& image) {
  qr::GrayImage out = image;
  for (uint8_t& p : out.pixels) p = static_cast<uint8_t>(255 - p);
  return out;
}

qr::GrayImage Mirror(const qr::GrayImage& image) {
  qr::GrayImage out = image;
  for (int y = 0; y < out.height; ++y) {
    auto row = out.pixels.begin() + static_cast<long>(y) * out.width;
    std::reverse(row, row + out.width);
  }
  return out;
}

qr::GrayImage Sharpen(const qr::GrayImage& image) {
  // Unsharp mask: p + 1.5 (p - blur(p)), the blur a 5x5 box (two passes of
  // running sums would be faster; this runs only when cheaper passes failed).
  qr::GrayImage src = Stretch(image);
  qr::GrayImage out = src;
  const int w = src.width, h = src.height, r = 2;
  std::vector<int> row_sum(static_cast<size_t>(w) * h);
  for (int y = 0; y < h; ++y) {
    int s = 0;
    for (int x = -r; x <= r; ++x) s += src.at(std::clamp(x, 0, w - 1), y);
    for (int x = 0; x < w; ++x) {
      row_sum[static_cast<size_t>(y) * w + x] = s;
      s += src.at(std::min(x + r + 1, w - 1), y) - src.at(std::max(x - r, 0), y);
    }
  }
  for (int x = 0; x < w; ++x) {
    int s = 0;
    for (int y = -r; y <= r; ++y)
      s += row_sum[static_cast<size_t>(std::clamp(y, 0, h - 1)) * w + x];
    for (int y = 0; y < h; ++y) {
      const int blur = s / ((2 * r + 1) * (2 * r + 1));
      const int p = src.at(x, y);
      out.pixels[static_cast<size_t>(y) * w + x] =
          static_cast<uint8_t>(std::clamp(p + (3 * (p - blur)) / 2, 0, 255));
      s += row_sum[static_cast<size_t>(std::min(y + r + 1, h - 1)) * w + x] -
           row_sum[static_cast<size_t>(std::max(y - r, 0)) * w + x];
    }
  }
  return out;
}

Result<std::vector<std::string>> ScanQrCodes(const qr::GrayImage& image) {
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() < static_cast<size_t>(image.width) * image.height) {
    return MakeError(ErrorCode::kInvalidArgument, "empty image");
  }
  using ZXing::Binarizer;
  // Each pass builds its image only when the ones before found nothing.
  const std::function<std::vector<std::string>()> passes[] = {
      [&] { return Read(image, Binarizer::LocalAverage); },
      [&] { return Read(BoxReduce(image, 2), Binarizer::LocalAverage); },
      [&] { return Read(BoxReduce(image, 4), Binarizer::LocalAverage); },
      [&] { return Read(image, Binarizer::GlobalHistogram); },
      [&] { return Read(Sharpen(image), Binarizer::LocalAverage); },
      [&] { return Read(Sharpen(BoxReduce(image, 2)), Binarizer::LocalAverage); },
      [&] { return Read(Negative(image), Binarizer::LocalAverage); },
      [&] { return Read(Mirror(image), Binarizer::LocalAverage); },
  };
  for (const auto& pass : passes) {
    auto found = pass();
    if (!found.empty()) return found;
  }
  return MakeError(ErrorCode::kNotFound, "no readable QR code in the image");
}

}  // namespace acta::photo

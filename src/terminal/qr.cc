#include "terminal/qr.h"

#include <png.h>
#include <qrencode.h>

#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace acta::qr {

Result<QrCode> Encode(std::string_view text) {
  if (text.empty()) return MakeError(ErrorCode::kInvalidArgument, "nothing to encode");
  const std::string s(text);
  // Version 0: the smallest that fits; QR_MODE_8 as the hint lets libqrencode
  // split the text into the densest segments (alphanumeric for base45).
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(s.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!code) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "cannot encode " + std::to_string(text.size()) +
                         " characters as a QR code: " + std::strerror(errno));
  }
  QrCode out;
  out.size = code->width;
  out.modules.resize(static_cast<size_t>(out.size) * out.size);
  for (size_t i = 0; i < out.modules.size(); ++i) out.modules[i] = (code->data[i] & 1) != 0;
  return out;
}

std::string ToTerminalArt(const QrCode& code, int border) {
  const int n = code.size + 2 * border;
  auto light = [&](int x, int y) {
    x -= border;
    y -= border;
    if (x < 0 || y < 0 || x >= code.size || y >= code.size) return true;
    return !code.dark(x, y);
  };
  std::string out;
  for (int y = 0; y < n; y += 2) {
    for (int x = 0; x < n; ++x) {
      const bool top = light(x, y);
      const bool bottom = y + 1 < n ? light(x, y + 1) : false;
      if (top && bottom) {
        out += "\u2588";  // full block
      } else if (top) {
        out += "\u2580";  // upper half
      } else if (bottom) {
        out += "\u2584";  // lower half
      } else {
        out += ' ';
      }
    }
    out += '\n';
  }
  return out;
}

GrayImage Render(const QrCode& code, int scale, int border) {
  GrayImage img;
  img.width = img.height = (code.size + 2 * border) * scale;
  img.pixels.assign(static_cast<size_t>(img.width) * img.height, 255);
  for (int y = 0; y < code.size; ++y) {
    for (int x = 0; x < code.size; ++x) {
      if (!code.dark(x, y)) continue;
      for (int dy = 0; dy < scale; ++dy) {
        uint8_t* row = &img.pixels[static_cast<size_t>((y + border) * scale + dy) * img.width];
        std::memset(row + (x + border) * scale, 0, static_cast<size_t>(scale));
      }
    }
  }
  return img;
}

Result<Bytes> EncodePng(const GrayImage& image) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&png, nullptr, &size, 0, image.pixels.data(), 0, nullptr)) {
    return MakeError(ErrorCode::kInternal, std::string("PNG encoding failed: ") + png.message);
  }
  Bytes out(size);
  if (!png_image_write_to_memory(&png, out.data(), &size, 0, image.pixels.data(), 0, nullptr)) {
    return MakeError(ErrorCode::kInternal, std::string("PNG encoding failed: ") + png.message);
  }
  out.resize(size);
  return out;
}

bool LooksLikePng(ByteSpan data) {
  static const uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  return data.size() >= 8 && std::memcmp(data.data(), kSignature, 8) == 0;
}

Result<GrayImage> DecodePng(ByteSpan data) {
  if (!LooksLikePng(data)) return MakeError(ErrorCode::kMalformed, "not a PNG file");
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, data.data(), data.size())) {
    return MakeError(ErrorCode::kMalformed, std::string("bad PNG: ") + png.message);
  }
  if (static_cast<uint64_t>(png.width) * png.height > 40'000'000) {
    png_image_free(&png);
    return MakeError(ErrorCode::kResourceExhausted, "PNG larger than 40 megapixels");
  }
  png.format = PNG_FORMAT_GRAY;
  GrayImage img;
  img.width = static_cast<int>(png.width);
  img.height = static_cast<int>(png.height);
  img.pixels.resize(PNG_IMAGE_SIZE(png));
  // Transparent pixels are composed over white, as on paper.
  png_color white{255, 255, 255};
  if (!png_image_finish_read(&png, &white, img.pixels.data(), 0, nullptr)) {
    png_image_free(&png);
    return MakeError(ErrorCode::kMalformed, std::string("bad PNG: ") + png.message);
  }
  return img;
}

Result<std::string> Decode(const GrayImage& image) {
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() < static_cast<size_t>(image.width) * image.height) {
    return MakeError(ErrorCode::kInvalidArgument, "empty image");
  }
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setTryHarder(true);
  hints.setTryRotate(true);
  try {
    const ZXing::Result r = ZXing::ReadBarcode(
        ZXing::ImageView(image.pixels.data(), image.width, image.height, ZXing::ImageFormat::Lum),
        hints);
    if (!r.isValid()) return MakeError(ErrorCode::kNotFound, "no readable QR code in the image");
    return r.text();
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kNotFound, std::string("QR decoding failed: ") + e.what());
  }
}

}  // namespace acta::qr

// QR codes of actas: what a terminal prints on the tally sheet and what
// `acta inspect` reads back from a photo of it. The QR text is the acta's
// text form ("ACTA1:" + base45 of the signed bytes), so the code carries the
// whole signed acta and an observer can check it offline. Base45 is exactly
// the QR alphanumeric alphabet, so the code stays small (version ~10 for a
// two-contest acta at error-correction level M).
//
// Encoding: libqrencode. Decoding: ZXing (with rotation, skew and noise
// tolerance). PNG: libpng's simplified API. All functions are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace acta::qr {

// A QR symbol: size x size modules, row-major, true = dark.
struct QrCode {
  int size = 0;
  std::vector<bool> modules;
  bool dark(int x, int y) const { return modules[static_cast<size_t>(y) * size + x]; }
};

// 8-bit grayscale image, row-major (0 black, 255 white).
struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;
  uint8_t at(int x, int y) const { return pixels[static_cast<size_t>(y) * width + x]; }
};

// Error-correction level M (15 %): survives smudges and folds on paper.
// Errors: kInvalidArgument (empty or too long for any QR version).
Result<QrCode> Encode(std::string_view text);

// Terminal art with Unicode half blocks, two modules rows per text line,
// light modules drawn as blocks (for the usual dark terminal background),
// with a quiet zone of `border` modules. Ends with a newline.
std::string ToTerminalArt(const QrCode& code, int border = 2);

// The symbol as an image: `scale` pixels per module, `border` modules of
// quiet zone.
GrayImage Render(const QrCode& code, int scale = 8, int border = 4);

// PNG bytes of a grayscale image. Errors: kInternal (libpng failure).
Result<Bytes> EncodePng(const GrayImage& image);
// Any PNG (gray, RGB, palette, alpha...) converted to 8-bit gray.
// Errors: kMalformed (not a PNG, damaged), kResourceExhausted (larger than
// 40 megapixels).
Result<GrayImage> DecodePng(ByteSpan png);

// The text of the first QR code found in the image (rotation, scaling and
// noise tolerated). Errors: kNotFound (no readable QR code).
Result<std::string> Decode(const GrayImage& image);

// True when the bytes start with the PNG signature.
bool LooksLikePng(ByteSpan data);

}  // namespace acta::qr

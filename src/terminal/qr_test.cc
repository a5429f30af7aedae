#include "terminal/qr.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/acta_check.h"
#include "core/random.h"
#include "terminal/testing/terminal_fixtures.h"

namespace acta::qr {
namespace {

// A photo of a printed sheet, roughly: the page scaled and rotated
// (bilinear resampling on a white background), washed-out contrast, and
// sensor noise.
GrayImage Photo(const GrayImage& src, double degrees, double scale, int noise, uint64_t seed) {
  const double a = degrees * M_PI / 180.0;
  GrayImage out;
  out.width = out.height = static_cast<int>(std::max(src.width, src.height) * scale * 1.5);
  out.pixels.resize(static_cast<size_t>(out.width) * out.height);
  SeededRandom rng(seed);
  const double cx = out.width / 2.0, cy = out.height / 2.0;
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      // Inverse mapping into the source.
      const double dx = (x - cx) / scale, dy = (y - cy) / scale;
      const double sx = std::cos(a) * dx + std::sin(a) * dy + src.width / 2.0;
      const double sy = -std::sin(a) * dx + std::cos(a) * dy + src.height / 2.0;
      auto px = [&](int ix, int iy) -> double {
        if (ix < 0 || iy < 0 || ix >= src.width || iy >= src.height) return 255;
        return src.at(ix, iy);
      };
      const int x0 = static_cast<int>(std::floor(sx)), y0 = static_cast<int>(std::floor(sy));
      const double fx = sx - x0, fy = sy - y0;
      double v = px(x0, y0) * (1 - fx) * (1 - fy) + px(x0 + 1, y0) * fx * (1 - fy) +
                 px(x0, y0 + 1) * (1 - fx) * fy + px(x0 + 1, y0 + 1) * fx * fy;
      v = 55 + v * (190.0 / 255.0);  // grey paper, grey ink
      if (noise > 0) v += static_cast<double>(rng.Uniform(2 * noise + 1)) - noise;
      out.pixels[static_cast<size_t>(y) * out.width + x] =
          static_cast<uint8_t>(std::clamp(v, 0.0, 255.0));
    }
  }
  return out;
}

class QrTest : public ::testing::Test {
 protected:
  Manifest m_ = acta::testing::VectorManifest();
  Acta acta_ = terminal::testing::TestActa(m_);
  std::string text_ = ActaToText(acta_);
};

TEST_F(QrTest, PngRoundTripCarriesTheWholeSignedActa) {
  auto code = Encode(text_);
  ASSERT_TRUE(code.has_value());
  EXPECT_LE(code->size, 61) << "a two-contest acta should fit in a small symbol";
  auto png = EncodePng(Render(*code));
  ASSERT_TRUE(png.has_value());
  EXPECT_TRUE(LooksLikePng(*png));
  auto image = DecodePng(*png);
  ASSERT_TRUE(image.has_value()) << image.error().ToString();
  auto text = Decode(*image);
  ASSERT_TRUE(text.has_value()) << text.error().ToString();
  EXPECT_EQ(*text, text_);
  auto back = ActaFromText(*text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->bytes, acta_.bytes);
  EXPECT_TRUE(VerifyActa(*back, m_).has_value());
}

struct PhotoCase {
  double degrees;
  double scale;
  int noise;
};

class QrPhotoTest : public QrTest, public ::testing::WithParamInterface<PhotoCase> {};

TEST_P(QrPhotoTest, DecodesNoisyRotatedScaledPhotos) {
  const PhotoCase c = GetParam();
  auto code = Encode(text_);
  ASSERT_TRUE(code.has_value());
  GrayImage photo = Photo(Render(*code, 4, 4), c.degrees, c.scale, c.noise, 17);
  // Through PNG, as a file from a phone would come.
  auto png = EncodePng(photo);
  ASSERT_TRUE(png.has_value());
  auto image = DecodePng(*png);
  ASSERT_TRUE(image.has_value());
  auto text = Decode(*image);
  ASSERT_TRUE(text.has_value()) << "angle " << c.degrees << " scale " << c.scale << ": "
                                << text.error().ToString();
  EXPECT_EQ(*text, text_);
  auto back = ActaFromText(*text);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(VerifyActa(*back, m_).has_value());
}

INSTANTIATE_TEST_SUITE_P(Photos, QrPhotoTest,
                         ::testing::Values(PhotoCase{0, 1.0, 0}, PhotoCase{13, 1.7, 40},
                                           PhotoCase{90, 0.8, 30}, PhotoCase{-37, 2.3, 60},
                                           PhotoCase{180, 1.25, 50}, PhotoCase{5, 2.6, 60}));

TEST_F(QrTest, NoQrCodeIsNotFound) {
  GrayImage noise{200, 200, {}};
  SeededRandom rng(1);
  noise.pixels.resize(200 * 200);
  rng.Fill(noise.pixels);
  auto text = Decode(noise);
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().code, ErrorCode::kNotFound);
}

TEST_F(QrTest, DamagedPngsAreMalformed) {
  EXPECT_EQ(DecodePng(AsBytes("GIF89a....")).error().code, ErrorCode::kMalformed);
  auto png = EncodePng(Render(*Encode(text_)));
  ASSERT_TRUE(png.has_value());
  Bytes truncated(png->begin(), png->begin() + static_cast<long>(png->size() / 2));
  EXPECT_EQ(DecodePng(truncated).error().code, ErrorCode::kMalformed);
  Bytes corrupt = *png;
  corrupt[40] ^= 0xff;  // inside the IHDR/IDAT: CRC mismatch
  auto r = DecodePng(corrupt);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
}

TEST_F(QrTest, TerminalArtHasTheSymbolsShape) {
  auto code = Encode(text_);
  ASSERT_TRUE(code.has_value());
  const std::string art = ToTerminalArt(*code, 2);
  const int n = code->size + 4;
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = art.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(art.substr(start, nl - start));
  }
  ASSERT_EQ(lines.size(), static_cast<size_t>((n + 1) / 2));
  // The quiet zone: the first line is all light (full blocks, 3 bytes each).
  std::string full;
  for (int i = 0; i < n; ++i) full += "\u2588";
  EXPECT_EQ(lines[0], full);
  // Line 1 covers rows 2-3: after two quiet-zone blocks, column 2 is the
  // finder pattern's dark corner in both rows, drawn as a space.
  EXPECT_EQ(lines[1].substr(2 * 3, 1), " ");
}

TEST_F(QrTest, EncodeRefusesEmptyAndOversizedText) {
  EXPECT_EQ(Encode("").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Encode(std::string(8000, 'A')).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace acta::qr

#include "photo/qr_scan.h"

#include <gtest/gtest.h>

#include "core/acta_check.h"
#include "photo/image_file.h"
#include "photo/testing/degrade.h"
#include "terminal/testing/terminal_fixtures.h"

namespace acta::photo {
namespace {

using testing::Shot;
using testing::TakePhoto;

// A page the size of A4 at 150 dpi with the QR code in its lower half and
// dark bars above it standing in for the printed text.
qr::GrayImage Page(const std::string& text, int scale = 6) {
  qr::GrayImage page{1240, 1754, std::vector<uint8_t>(1240ull * 1754, 255)};
  for (int line = 0; line < 20; ++line) {
    const int y0 = 120 + line * 40;
    for (int y = y0; y < y0 + 14; ++y) {
      for (int x = 120; x < 120 + 300 + (line * 137) % 700; ++x) {
        page.pixels[static_cast<size_t>(y) * page.width + x] = 30;
      }
    }
  }
  const qr::GrayImage code = qr::Render(*qr::Encode(text), scale, 4);
  const int ox = (page.width - code.width) / 2, oy = 1000;
  for (int y = 0; y < code.height; ++y) {
    for (int x = 0; x < code.width; ++x) {
      page.pixels[static_cast<size_t>(oy + y) * page.width + ox + x] = code.at(x, y);
    }
  }
  return page;
}

class QrScanTest : public ::testing::Test {
 protected:
  Manifest m_ = acta::testing::VectorManifest();
  Acta acta_ = terminal::testing::TestActa(m_);
  std::string text_ = ActaToText(acta_);

  void ExpectFound(const qr::GrayImage& photo, const std::string& what) {
    auto jpeg = testing::EncodeJpeg(photo, 80);
    ASSERT_TRUE(jpeg.has_value());
    auto image = DecodePhoto(*jpeg);
    ASSERT_TRUE(image.has_value());
    auto texts = ScanQrCodes(*image);
    ASSERT_TRUE(texts.has_value()) << what << ": " << texts.error().ToString();
    ASSERT_EQ(texts->size(), 1u) << what;
    EXPECT_EQ(texts->front(), text_) << what;
    EXPECT_TRUE(VerifyActa(*ActaFromText(texts->front()), m_).has_value()) << what;
  }
};

TEST_F(QrScanTest, FindsTheCodeInATwelveMegapixelPhotoOfTheWholePage) {
  Shot shot;  // 3000 x 4000, page 85 % of the height, slightly turned
  shot.degrees = 4;
  shot.noise = 8;
  ExpectFound(TakePhoto(Page(text_), shot), "12 MP");
}

struct Degradation {
  const char* name;
  Shot shot;
};

class QrScanDegradedTest : public QrScanTest, public ::testing::WithParamInterface<Degradation> {};

TEST_P(QrScanDegradedTest, FindsTheCode) {
  Shot shot = GetParam().shot;
  shot.frame_width = 1500;
  shot.frame_height = 2000;
  ExpectFound(TakePhoto(Page(text_), shot), GetParam().name);
}

Shot Make(double degrees, double tilt, double blur, int noise, double contrast, double shadow,
          bool negative) {
  Shot s;
  s.degrees = degrees;
  s.tilt = tilt;
  s.blur_sigma = blur;
  s.noise = noise;
  s.contrast = contrast;
  s.shadow = shadow;
  s.negative = negative;
  return s;
}

INSTANTIATE_TEST_SUITE_P(
    Photos, QrScanDegradedTest,
    ::testing::Values(Degradation{"rotated 90", Make(90, 0, 0, 0, 1, 0, false)},
                      Degradation{"rotated 33", Make(33, 0, 0, 0, 1, 0, false)},
                      Degradation{"upside down", Make(180, 0, 0, 0, 1, 0, false)},
                      Degradation{"perspective", Make(3, 0.3, 0, 0, 1, 0, false)},
                      Degradation{"blurred", Make(0, 0, 2.5, 0, 1, 0, false)},
                      Degradation{"noisy", Make(0, 0, 0, 60, 1, 0, false)},
                      Degradation{"washed out", Make(0, 0, 0, 10, 0.35, 0, false)},
                      Degradation{"shadowed", Make(0, 0, 0, 5, 1, 0.6, false)},
                      Degradation{"negative", Make(0, 0, 0, 5, 1, 0, true)},
                      Degradation{"everything", Make(-20, 0.2, 1.5, 25, 0.6, 0.3, false)}),
    [](const auto& info) {
      std::string n = info.param.name;
      for (char& c : n) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return n;
    });

TEST_F(QrScanTest, FindsAMirroredCode) { ExpectFound(Mirror(Page(text_)), "mirrored"); }

TEST_F(QrScanTest, FindsEveryCodeOnAPageOnce) {
  // Two actas side by side in one photo (an observer's table of sheets).
  const Acta other = terminal::testing::TestActa(m_, 300);
  const qr::GrayImage a = qr::Render(*qr::Encode(text_), 4, 4);
  const qr::GrayImage b = qr::Render(*qr::Encode(ActaToText(other)), 4, 4);
  const qr::GrayImage both = testing::SideBySide(a, b, 40);
  auto texts = ScanQrCodes(both);
  ASSERT_TRUE(texts.has_value()) << texts.error().ToString();
  ASSERT_EQ(texts->size(), 2u);
  EXPECT_NE((*texts)[0], (*texts)[1]);
}

TEST_F(QrScanTest, APageWithoutACodeIsNotFound) {
  qr::GrayImage blank{600, 800, std::vector<uint8_t>(600 * 800, 250)};
  auto texts = ScanQrCodes(blank);
  ASSERT_FALSE(texts.has_value());
  EXPECT_EQ(texts.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ScanQrCodes(qr::GrayImage{}).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace acta::photo

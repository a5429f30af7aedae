#include "photo/image_file.h"

#include <gtest/gtest.h>

#include "photo/orientation.h"
#include "photo/testing/degrade.h"

namespace acta::photo {
namespace {

using testing::EncodeJpeg;
using testing::EncodeWebp;
using testing::StoreAs;

// 120 x 80, white, with a black block in the top-left corner: any wrong
// turn or mirror moves the block.
qr::GrayImage Marked() {
  qr::GrayImage img{120, 80, std::vector<uint8_t>(120 * 80, 255)};
  for (int y = 0; y < 30; ++y) {
    for (int x = 0; x < 40; ++x) img.pixels[static_cast<size_t>(y) * 120 + x] = 0;
  }
  return img;
}

void ExpectUprightMarked(const qr::GrayImage& img, const std::string& what) {
  ASSERT_EQ(img.width, 120) << what;
  ASSERT_EQ(img.height, 80) << what;
  EXPECT_LT(img.at(10, 10), 60) << what << ": the block left the top-left corner";
  EXPECT_GT(img.at(110, 10), 200) << what;
  EXPECT_GT(img.at(10, 70), 200) << what;
  EXPECT_GT(img.at(110, 70), 200) << what;
}

TEST(ImageFileTest, SniffsBySignatureOnly) {
  const qr::GrayImage img = Marked();
  EXPECT_EQ(SniffImageFormat(*EncodeJpeg(img, 90)), ImageFormat::kJpeg);
  EXPECT_EQ(SniffImageFormat(*EncodeWebp(img, 90)), ImageFormat::kWebp);
  EXPECT_EQ(SniffImageFormat(*qr::EncodePng(img)), ImageFormat::kPng);
  EXPECT_EQ(SniffImageFormat(AsBytes("GIF89a")), ImageFormat::kUnknown);
  EXPECT_EQ(SniffImageFormat(AsBytes("RIFF....WAVE")), ImageFormat::kUnknown);
  EXPECT_EQ(SniffImageFormat({}), ImageFormat::kUnknown);
}

TEST(ImageFileTest, EveryExifOrientationIsTurnedUprightInJpegAndWebp) {
  const qr::GrayImage upright = Marked();
  for (int o = 1; o <= 8; ++o) {
    const qr::GrayImage stored = StoreAs(upright, o);
    auto jpeg = EncodeJpeg(stored, 92, o);
    ASSERT_TRUE(jpeg.has_value());
    EXPECT_EQ(ExifOrientation(*jpeg), o);
    auto from_jpeg = DecodePhoto(*jpeg);
    ASSERT_TRUE(from_jpeg.has_value()) << from_jpeg.error().ToString();
    ExpectUprightMarked(*from_jpeg, "JPEG orientation " + std::to_string(o));

    auto webp = EncodeWebp(stored, 92, o);
    ASSERT_TRUE(webp.has_value());
    auto from_webp = DecodePhoto(*webp);
    ASSERT_TRUE(from_webp.has_value()) << from_webp.error().ToString();
    ExpectUprightMarked(*from_webp, "WebP orientation " + std::to_string(o));
  }
}

TEST(ImageFileTest, NoOrBrokenExifMeansUpright) {
  const qr::GrayImage upright = Marked();
  auto plain = EncodeJpeg(upright, 90);
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(ExifOrientation(*plain), 1);
  ExpectUprightMarked(*DecodePhoto(*plain), "no EXIF");
  // Orientation 9 does not exist: the pixels are shown as stored.
  auto bad = EncodeJpeg(upright, 90, 8);
  ASSERT_TRUE(bad.has_value());
  // The value byte of the single IFD entry (see degrade.cc's ExifTiff).
  const size_t value_at = 2 + 2 + 2 + 6 + 8 + 10 + 1;
  ASSERT_EQ((*bad)[value_at], 8);
  (*bad)[value_at] = 9;
  EXPECT_EQ(ExifOrientation(*bad), 1);
  ExpectUprightMarked(*DecodePhoto(*bad), "orientation 9");
  EXPECT_EQ(ExifOrientation(AsBytes("Exif\0\0garbage")), 1);
  EXPECT_EQ(ExifOrientation(AsBytes("II*\0\xff\xff\xff\xff")), 1);
}

TEST(ImageFileTest, DamagedFilesAreMalformed) {
  const qr::GrayImage img = Marked();
  auto jpeg = EncodeJpeg(img, 90);
  ASSERT_TRUE(jpeg.has_value());
  Bytes header_only(jpeg->begin(), jpeg->begin() + 20);
  EXPECT_EQ(DecodePhoto(header_only).error().code, ErrorCode::kMalformed);
  Bytes fake_jpeg{0xff, 0xd8, 0xff, 0x00, 0x01, 0x02};
  EXPECT_EQ(DecodePhoto(fake_jpeg).error().code, ErrorCode::kMalformed);
  auto webp = EncodeWebp(img, 90);
  ASSERT_TRUE(webp.has_value());
  Bytes cut_webp(webp->begin(), webp->begin() + 30);
  EXPECT_EQ(DecodePhoto(cut_webp).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(DecodePhoto(AsBytes("%PDF-1.5")).error().code, ErrorCode::kMalformed);
}

TEST(ImageFileTest, TruncatedJpegStillGivesTheImageItHas) {
  // A photo cut short in transfer: libjpeg-turbo warns and fills the rest.
  auto jpeg = EncodeJpeg(Marked(), 90);
  ASSERT_TRUE(jpeg.has_value());
  Bytes cut(jpeg->begin(), jpeg->end() - 40);
  auto img = DecodePhoto(cut);
  ASSERT_TRUE(img.has_value()) << img.error().ToString();
  EXPECT_EQ(img->width, 120);
}

TEST(ImageFileTest, HugeJpegIsDecodedAtAReducedScale) {
  // 8000 x 6000 = 48 MP, above the 40 MP limit: decoded at 7/8 or less.
  qr::GrayImage big{8000, 6000, std::vector<uint8_t>(8000ull * 6000, 255)};
  auto jpeg = EncodeJpeg(big, 50);
  ASSERT_TRUE(jpeg.has_value());
  auto img = DecodePhoto(*jpeg);
  ASSERT_TRUE(img.has_value()) << img.error().ToString();
  EXPECT_LE(static_cast<uint64_t>(img->width) * img->height, kMaxPhotoPixels);
  EXPECT_GE(img->width, 4000);
  EXPECT_EQ(img->width * 3, img->height * 4);
}

}  // namespace
}  // namespace acta::photo

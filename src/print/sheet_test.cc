#include "print/sheet.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "core/file.h"
#include "core/testing/manifest_fixtures.h"
#include "photo/image_file.h"
#include "photo/qr_scan.h"
#include "photo/testing/degrade.h"
#include "print/testing/largest_acta.h"
#include "terminal/qr.h"

namespace acta::print {
namespace {

using testing::LargestActa;
using testing::TypicalActa;

std::string QrIn(ByteSpan image_file) {
  auto image = photo::DecodePhoto(image_file);
  EXPECT_TRUE(image.has_value());
  if (!image) return "";
  auto texts = photo::ScanQrCodes(*image);
  EXPECT_TRUE(texts.has_value()) << texts.error().ToString();
  return texts && texts->size() == 1 ? texts->front() : "";
}

TEST(SheetTest, PdfIsA4OrLetterAndTheSameBytesEachTime) {
  const auto [m, acta] = TypicalActa();
  auto a4 = RenderSheet(acta, m, {Paper::kA4, SheetFormat::kPdf});
  ASSERT_TRUE(a4.has_value()) << a4.error().ToString();
  ASSERT_EQ(a4->size(), 1u);
  const std::string pdf(AsChars(a4->front()));
  EXPECT_TRUE(pdf.starts_with("%PDF-"));
  EXPECT_NE(pdf.find("/MediaBox [ 0 0 595.27"), std::string::npos);
  EXPECT_EQ(*RenderSheet(acta, m, {Paper::kA4, SheetFormat::kPdf}), *a4);
  auto letter = RenderSheet(acta, m, {Paper::kLetter, SheetFormat::kPdf});
  ASSERT_TRUE(letter.has_value());
  EXPECT_NE(std::string(AsChars(letter->front())).find("/MediaBox [ 0 0 612 792 ]"),
            std::string::npos);
}

TEST(SheetTest, PngPageCarriesTheActaInItsQrCode) {
  const auto [m, acta] = TypicalActa();
  auto pages = RenderSheet(acta, m, {Paper::kLetter, SheetFormat::kPng, 150});
  ASSERT_TRUE(pages.has_value()) << pages.error().ToString();
  ASSERT_EQ(pages->size(), 1u);
  auto image = photo::DecodePhoto(pages->front());
  ASSERT_TRUE(image.has_value());
  EXPECT_EQ(image->width, 1275);  // 8.5 in at 150 dpi
  EXPECT_EQ(image->height, 1650);
  EXPECT_EQ(QrIn(pages->front()), ActaToText(acta));
}

TEST(SheetTest, ALongBoldTitleStopsBeforeTheQrCodesQuietZone) {
  // The title is drawn bold; it was cut to fit as if regular, and a long
  // election name ran over the quiet zone and the top-left finder pattern
  // (ZXing-C++ and zbar still read it; the page's zxing-wasm did not).
  auto l = LargestActa();
  l.manifest.name = "Elección de prueba: el acta más grande que el formato permite";
  l.manifest.Finalize();
  ActaBody b = l.acta.body;
  b.election_id = l.manifest.election_id;
  const Acta acta = *SignActa(b, SigningKey::FromSeed(acta::testing::FixedSeed(0x10)));
  auto pages = RenderSheet(acta, l.manifest, {Paper::kA4, SheetFormat::kPng, 144});
  ASSERT_TRUE(pages.has_value()) << pages.error().ToString();
  auto page = photo::DecodePhoto(pages->front());
  ASSERT_TRUE(page.has_value());
  auto code = qr::Encode(ActaToText(acta));
  ASSERT_TRUE(code.has_value());
  // sheet.cc's geometry in points (2 px each at 144 dpi): the code's box is
  // 240 pt wide at the right margin (40 pt), from the top margin; its quiet
  // zone is 4 modules on every side.
  const double scale = 2, box_x = PaperSize(Paper::kA4).width - 40 - 240, top = 40;
  const double quiet = 4 * 240.0 / (code->size + 8);
  int dark = 0;
  for (int y = static_cast<int>(top * scale); y < static_cast<int>((top + 240) * scale); ++y) {
    for (int x = static_cast<int>(box_x * scale) + 1;
         x < static_cast<int>((box_x + quiet) * scale) - 1; ++x) {
      dark += page->at(x, y) < 128;
    }
  }
  EXPECT_EQ(dark, 0) << "dark pixels in the QR code's left quiet zone";
}

TEST(SheetTest, TheLargestActaPrintsOneCodeThatAPhonePhotoOfThePageDecodes) {
  const auto l = LargestActa();
  ASSERT_EQ(l.acta.bytes.size(), kMaxActaSize);
  auto pages = RenderSheet(l.acta, l.manifest, {Paper::kA4, SheetFormat::kPng, 200});
  ASSERT_TRUE(pages.has_value()) << pages.error().ToString();
  EXPECT_GT(pages->size(), 1u) << "416 candidates flow over several pages";
  auto page = photo::DecodePhoto(pages->front());
  ASSERT_TRUE(page.has_value());
  // The whole page in a 12 MP frame, turned, soft, noisy, as JPEG.
  photo::testing::Shot shot;
  shot.degrees = -6;
  shot.tilt = 0.08;
  shot.blur_sigma = 1.0;
  shot.noise = 10;
  shot.contrast = 0.8;
  auto jpeg = photo::testing::EncodeJpeg(photo::testing::TakePhoto(*page, shot), 85);
  ASSERT_TRUE(jpeg.has_value());
  EXPECT_EQ(QrIn(*jpeg), ActaToText(l.acta));
}

TEST(SheetTest, ThePdfRasterizedByPopplerDecodes) {
  // An independent PDF reader (poppler's pdftoppm, scripts/install-deps.sh)
  // renders the page: the PDF is a real one, its QR code intact.
  const auto l = LargestActa();
  auto pdf = RenderSheet(l.acta, l.manifest, {Paper::kA4, SheetFormat::kPdf});
  ASSERT_TRUE(pdf.has_value());
  const std::string dir = acta::testing::TestDir();
  ASSERT_TRUE(WriteFileAtomic(dir + "/sheet.pdf", pdf->front()).has_value());
  const std::string cmd =
      "pdftoppm -r 150 -gray -png -f 1 -l 1 " + dir + "/sheet.pdf " + dir + "/page";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::string png;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".png") png = e.path().string();
  }
  ASSERT_FALSE(png.empty());
  auto bytes = ReadFile(png);
  ASSERT_TRUE(bytes.has_value());
  EXPECT_EQ(QrIn(*bytes), ActaToText(l.acta));
  std::filesystem::remove_all(dir);
}

TEST(SheetTest, RefusesAnActaOfAnotherElectionOrBadOptions) {
  const auto l = LargestActa();
  const Manifest other = acta::testing::VectorManifest();
  auto r = RenderSheet(l.acta, other, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  auto dpi = RenderSheet(l.acta, l.manifest, {Paper::kA4, SheetFormat::kPng, 5000});
  ASSERT_FALSE(dpi.has_value());
  EXPECT_EQ(dpi.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace acta::print

// The printed sheet and photos of it, through the `acta` binary: `acta sign
// --sheet` and `acta print` write the sheet, a phone photo of it (JPEG,
// turned, stored sideways with EXIF orientation) is read by `acta inspect`.
#include <filesystem>

#include "core/acta.h"
#include "core/file.h"
#include "photo/image_file.h"
#include "photo/testing/degrade.h"
#include "tests/cli/cli_fixture.h"

namespace acta::testing {
namespace {

// A phone photo of the PNG page at `page_path`, written as JPEG to `out`.
void PhotographPage(const std::string& page_path, const std::string& out, int orientation) {
  auto page = photo::DecodePhoto(*ReadFile(page_path));
  ASSERT_TRUE(page.has_value());
  photo::testing::Shot shot;
  shot.frame_width = 2250;
  shot.frame_height = 3000;
  shot.degrees = 8;
  shot.tilt = 0.1;
  shot.blur_sigma = 1.0;
  shot.noise = 10;
  const qr::GrayImage upright = photo::testing::TakePhoto(*page, shot);
  auto jpeg =
      photo::testing::EncodeJpeg(photo::testing::StoreAs(upright, orientation), 85, orientation);
  ASSERT_TRUE(jpeg.has_value());
  ASSERT_TRUE(WriteFileAtomic(out, *jpeg).has_value());
}

TEST_F(CliTest, SignPrintsTheSheetAndAPhoneJpegOfItInspects) {
  const TableRecord& table = manifest_a_->tables[3];
  const std::string counts = work_ + "/counts.json";
  WriteText(counts, CountsJson(*manifest_a_));
  RunResult sign = Acta({"sign", "--election", election_a_, "--table", std::to_string(table.id),
                         "--counts", counts, "--closing-time", ClosingTime(*manifest_a_), "--out",
                         "acta.bin", "--sheet", "sheet.png", "--no-qr-png"});
  ASSERT_EQ(sign.exit_code, 0) << sign.err;
  EXPECT_NE(sign.err.find("wrote sheet.png (printable sheet)"), std::string::npos) << sign.err;

  PhotographPage(work_ + "/sheet.png", work_ + "/IMG_0001.jpg", 6);
  RunResult photo = Acta({"inspect", "IMG_0001.jpg", "--election", election_a_});
  ASSERT_EQ(photo.exit_code, 0) << photo.err;
  RunResult bin = Acta({"inspect", "acta.bin", "--election", election_a_});
  ASSERT_EQ(bin.exit_code, 0) << bin.err;
  EXPECT_EQ(photo.out, bin.out) << "the photo is the same acta";

  // PDF on Letter paper, from the photo itself.
  RunResult print = Acta({"print", "IMG_0001.jpg", "--election", election_a_, "--out", "copy.pdf",
                          "--paper", "letter"});
  ASSERT_EQ(print.exit_code, 0) << print.err;
  EXPECT_EQ(print.out, "copy.pdf\n");
  const std::string pdf = ReadText(work_ + "/copy.pdf");
  EXPECT_TRUE(pdf.starts_with("%PDF-"));
  EXPECT_NE(pdf.find("/MediaBox [ 0 0 612 792 ]"), std::string::npos);
}

TEST_F(CliTest, PrintRefusesWhatItShouldNotPrint) {
  const std::string acta = SignActa(election_a_, *manifest_a_, manifest_a_->tables[0].id, "a");
  RunResult ext = Acta({"print", acta, "--election", election_a_, "--out", "sheet.jpg"});
  EXPECT_EQ(ext.exit_code, 1);
  OneErrorLine(ext, "acta print: invalid_argument: the sheet's file name must end in .pdf or .png");
  RunResult paper =
      Acta({"print", acta, "--election", election_a_, "--out", "s.pdf", "--paper", "a3"});
  EXPECT_EQ(paper.exit_code, 1);
  OneErrorLine(paper, "acta print: invalid_argument: --paper must be a4 or letter");
  // An acta of another election is not printed: its signature is not checked out.
  RunResult other = Acta({"print", acta, "--election", election_b_, "--out", "s.pdf"});
  EXPECT_EQ(other.exit_code, 1);
  OneErrorLine(other, "acta print: wrong_election: ");
  EXPECT_FALSE(std::filesystem::exists(work_ + "/s.pdf"));
}

TEST_F(CliTest, APhotoOfTwoDifferentActasIsRefusedByInspect) {
  const std::string a = SignActa(election_a_, *manifest_a_, manifest_a_->tables[0].id, "a");
  const std::string b = SignActa(election_a_, *manifest_a_, manifest_a_->tables[1].id, "b");
  auto qa = qr::Render(*qr::Encode(ActaToText(*DecodeActa(*ReadFile(a)))), 4, 4);
  auto qb = qr::Render(*qr::Encode(ActaToText(*DecodeActa(*ReadFile(b)))), 4, 4);
  const qr::GrayImage both = photo::testing::SideBySide(qa, qb, 0);
  ASSERT_TRUE(WriteFileAtomic(work_ + "/two.webp", *photo::testing::EncodeWebp(both, 90)));
  RunResult r = Acta({"inspect", "two.webp", "--election", election_a_});
  EXPECT_EQ(r.exit_code, 1);
  OneErrorLine(r, "acta inspect: invalid_argument: two.webp: the photo shows 2 different actas");
  // A photo with no QR code says so.
  qr::GrayImage blank{400, 300, std::vector<uint8_t>(400 * 300, 240)};
  ASSERT_TRUE(WriteFileAtomic(work_ + "/blank.jpg", *photo::testing::EncodeJpeg(blank, 80)));
  RunResult none = Acta({"inspect", "blank.jpg", "--election", election_a_});
  EXPECT_EQ(none.exit_code, 1);
  OneErrorLine(none, "acta inspect: not_found: blank.jpg: no readable QR code in the image");
}

}  // namespace
}  // namespace acta::testing

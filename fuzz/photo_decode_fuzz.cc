// photo::DecodePhoto and ExifOrientation on arbitrary bytes: a photo file is
// the least trusted input acta reads (anyone's phone, anyone's messenger).
// Decoded images stay within the pixel limit and have the pixels they claim.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_support.h"
#include "photo/image_file.h"
#include "photo/orientation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const ByteSpan input(data, size);
  const int orientation = photo::ExifOrientation(input);
  ACTA_FUZZ_CHECK(orientation >= 1 && orientation <= 8, "orientation in 1..8");
  auto image = photo::DecodePhoto(input);
  if (!image) {
    ACTA_FUZZ_CHECK(image.error().code == ErrorCode::kMalformed ||
                        image.error().code == ErrorCode::kResourceExhausted,
                    "photo errors are kMalformed or kResourceExhausted");
    return 0;
  }
  ACTA_FUZZ_CHECK(image->width > 0 && image->height > 0, "a decoded photo has pixels");
  ACTA_FUZZ_CHECK(static_cast<uint64_t>(image->width) * image->height <= photo::kMaxPhotoPixels,
                  "within the pixel limit");
  ACTA_FUZZ_CHECK(image->pixels.size() == static_cast<size_t>(image->width) * image->height,
                  "pixel buffer matches the size");
  return 0;
}

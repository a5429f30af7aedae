#include "photo/orientation.h"

#include <libexif/exif-data.h>

#include <cstring>
#include <memory>

namespace acta::photo {

int ExifOrientation(ByteSpan data) {
  if (data.empty()) return 1;
  // libexif finds the APP1 segment of a JPEG or takes an "Exif\0\0" block;
  // a bare TIFF block (WebP's EXIF chunk) gets that header added.
  Bytes framed;
  const bool bare_tiff = data.size() >= 4 && (std::memcmp(data.data(), "II*\0", 4) == 0 ||
                                              std::memcmp(data.data(), "MM\0*", 4) == 0);
  if (bare_tiff) {
    static const uint8_t kHeader[6] = {'E', 'x', 'i', 'f', 0, 0};
    framed.assign(kHeader, kHeader + 6);
    framed.insert(framed.end(), data.begin(), data.end());
    data = framed;
  }
  std::unique_ptr<ExifData, decltype(&exif_data_unref)> exif(
      exif_data_new_from_data(data.data(), static_cast<unsigned int>(data.size())),
      &exif_data_unref);
  if (!exif) return 1;
  ExifEntry* entry = exif_content_get_entry(exif->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
  if (entry == nullptr || entry->format != EXIF_FORMAT_SHORT || entry->components != 1 ||
      entry->size < 2) {
    return 1;
  }
  const int value = exif_get_short(entry->data, exif_data_get_byte_order(exif.get()));
  return value >= 1 && value <= 8 ? value : 1;
}

qr::GrayImage ApplyOrientation(const qr::GrayImage& in, int orientation) {
  if (orientation < 2 || orientation > 8) return in;
  // Orientations 5..8 swap the axes.
  const bool swap = orientation >= 5;
  qr::GrayImage out;
  out.width = swap ? in.height : in.width;
  out.height = swap ? in.width : in.height;
  out.pixels.resize(in.pixels.size());
  const int w = out.width, h = out.height;
  for (int y = 0; y < h; ++y) {
    uint8_t* row = &out.pixels[static_cast<size_t>(y) * w];
    for (int x = 0; x < w; ++x) {
      // (sx, sy): the stored pixel shown at upright position (x, y).
      int sx = x, sy = y;
      switch (orientation) {
        case 2:
          sx = w - 1 - x;
          break;
        case 3:
          sx = w - 1 - x;
          sy = h - 1 - y;
          break;
        case 4:
          sy = h - 1 - y;
          break;
        case 5:
          sx = y;
          sy = x;
          break;
        case 6:
          sx = y;
          sy = w - 1 - x;
          break;
        case 7:
          sx = h - 1 - y;
          sy = w - 1 - x;
          break;
        case 8:
          sx = h - 1 - y;
          sy = x;
          break;
      }
      row[x] = in.at(sx, sy);
    }
  }
  return out;
}

}  // namespace acta::photo

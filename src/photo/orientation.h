// EXIF orientation (TIFF tag 0x0112): how the stored pixels must be turned
// to show the scene upright. Values 1..8 as in EXIF 2.32 section 4.6.4:
// 1 upright, 2 mirrored, 3 rotated 180, 4 flipped, 5 transposed, 6 needs a
// 90-degree clockwise turn, 7 transversed, 8 needs a 90-degree
// counter-clockwise turn.
#pragma once

#include "core/bytes.h"
#include "terminal/qr.h"

namespace acta::photo {

// The orientation recorded in EXIF data: either a whole JPEG file (its APP1
// segment is found) or a bare EXIF block ("Exif\0\0" + TIFF, or TIFF alone,
// as WebP's EXIF chunk holds it). 1 when there is none or it is unreadable
// or out of range: a photo with broken metadata is still a photo.
int ExifOrientation(ByteSpan exif_or_jpeg);

// The image turned upright for `orientation` (1..8; anything else is 1).
qr::GrayImage ApplyOrientation(const qr::GrayImage& image, int orientation);

}  // namespace acta::photo

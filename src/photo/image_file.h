// Photo files as people hand them over: what a phone camera, a messenger or
// a scanner writes. Decodes JPEG, PNG and WebP into the 8-bit grayscale
// image the QR reader works on, turned upright as the file's EXIF
// orientation says (phones store the sensor's pixels and a rotation tag).
//
// Decoding: libjpeg-turbo (TurboJPEG API), libpng, libwebp; EXIF: libexif.
// All functions are thread-safe.
#pragma once

#include "core/bytes.h"
#include "core/error.h"
#include "terminal/qr.h"

namespace acta::photo {

enum class ImageFormat { kUnknown, kJpeg, kPng, kWebp };

// From the file's signature; never from its name.
ImageFormat SniffImageFormat(ByteSpan data);

// A photo larger than this is decoded at a reduced scale (JPEG) or refused
// (PNG, WebP): 40 megapixels is more than any phone camera's default and
// bounds memory at 40 MB per image.
constexpr uint64_t kMaxPhotoPixels = 40'000'000;

// The photo as upright 8-bit gray (luma). Errors: kMalformed (not a
// JPEG/PNG/WebP file, or a damaged one), kResourceExhausted (too large).
Result<qr::GrayImage> DecodePhoto(ByteSpan data);

}  // namespace acta::photo

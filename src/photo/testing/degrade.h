// Synthetic phone photos of a printed sheet, for tests and the decode
// benchmark: the page placed in a larger frame, turned and tilted by a
// projective warp, then blurred, noised, badly lit or inverted, and saved
// as JPEG or WebP with an EXIF orientation tag. Everything is seeded, so a
// "photo" is the same bytes on every run.
#pragma once

#include <array>
#include <cstdint>

#include "core/bytes.h"
#include "core/error.h"
#include "terminal/qr.h"

namespace acta::photo::testing {

// How the camera saw the page.
struct Shot {
  int frame_width = 3000;  // the photo's size in pixels
  int frame_height = 4000;
  double fill = 0.85;     // page height as a share of the frame's height
  double degrees = 0;     // rotation of the page in the frame
  double tilt = 0;        // perspective: the page's far edge this much narrower (0..0.5)
  double blur_sigma = 0;  // Gaussian blur, in frame pixels
  int noise = 0;          // uniform sensor noise amplitude (0..255)
  double contrast = 1;    // ink-to-paper contrast (1 = black on white)
  double shadow = 0;      // darkening across the frame, 0..1 (uneven light)
  bool negative = false;  // light modules on dark
  uint64_t seed = 1;
};

// The photo of `page` as `shot` describes.
qr::GrayImage TakePhoto(const qr::GrayImage& page, const Shot& shot);

// Projective warp: each output pixel (x, y) samples the source at
// H * (x, y, 1) (bilinear; white outside the source).
using Homography = std::array<double, 9>;
qr::GrayImage Warp(const qr::GrayImage& src, const Homography& h, int width, int height);
// The homography mapping the four `to` points onto the four `from` points.
Homography FromCorners(const std::array<double, 8>& to, const std::array<double, 8>& from);

qr::GrayImage GaussianBlur(const qr::GrayImage& image, double sigma);

// `a` and `b` side by side on white, `gap` pixels apart (two sheets in one
// photo).
qr::GrayImage SideBySide(const qr::GrayImage& a, const qr::GrayImage& b, int gap);

// JPEG bytes (libjpeg-turbo) with an EXIF APP1 segment carrying
// `orientation` when it is 1..8 (none when 0).
Result<Bytes> EncodeJpeg(const qr::GrayImage& image, int quality, int orientation = 0);
// Lossy WebP bytes (libwebp), with an EXIF chunk when orientation is 1..8.
Result<Bytes> EncodeWebp(const qr::GrayImage& image, int quality, int orientation = 0);
// The stored pixels a camera writes for an upright scene when it tags the
// file with `orientation` (the inverse of ApplyOrientation).
qr::GrayImage StoreAs(const qr::GrayImage& upright, int orientation);

}  // namespace acta::photo::testing

// Finding the QR codes in a photo of a printed sheet, as people take them:
// the whole page at several megapixels with the code a fraction of it,
// turned, tilted, out of focus, noisy, badly lit, JPEG-compressed, or
// printed light on dark. ZXing does the reading; this file decides which
// versions of the image it reads, cheapest first, and stops at the first
// that yields a code.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "terminal/qr.h"

namespace acta::photo {

// The texts of every QR code found, in reading order, duplicates removed
// (a code is found once even when several passes would see it). Passes:
// the image as it is; its 2x and 4x box-filtered reductions (they turn blur
// and sensor noise into sharp, clean modules); a global-histogram
// threshold (uneven light); contrast-stretched and unsharp-masked (soft
// focus); the negative (light-on-dark prints); the mirror image (a selfie
// camera). Errors: kNotFound (no readable QR code in any pass),
// kInvalidArgument (empty image).
Result<std::vector<std::string>> ScanQrCodes(const qr::GrayImage& image);

// The same passes' building blocks, exposed for tests and the benchmark.
qr::GrayImage BoxReduce(const qr::GrayImage& image, int factor);
qr::GrayImage Negative(const qr::GrayImage& image);
qr::GrayImage Mirror(const qr::GrayImage& image);
qr::GrayImage Sharpen(const qr::GrayImage& image);

}  // namespace acta::photo

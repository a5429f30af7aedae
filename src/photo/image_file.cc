#include "photo/image_file.h"

#include <turbojpeg.h>
#include <webp/decode.h>
#include <webp/demux.h>

#include <cstring>
#include <memory>
#include <string>

#include "photo/orientation.h"

namespace acta::photo {
namespace {

Result<qr::GrayImage> DecodeJpeg(ByteSpan data) {
  std::unique_ptr<void, decltype(&tjDestroy)> tj(tjInitDecompress(), &tjDestroy);
  if (!tj) return MakeError(ErrorCode::kInternal, "cannot start the JPEG decoder");
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(tj.get(), data.data(), static_cast<unsigned long>(data.size()), &width,
                          &height, &subsampling, &colorspace) != 0) {
    return MakeError(ErrorCode::kMalformed, std::string("bad JPEG: ") + tjGetErrorStr2(tj.get()));
  }
  // A photo above the limit is decoded at the largest DCT scale (1/2, 3/8,
  // 1/4...) that fits: the QR code of a sheet survives that easily.
  tjscalingfactor scale{1, 1};
  if (static_cast<uint64_t>(width) * height > kMaxPhotoPixels) {
    int count = 0;
    const tjscalingfactor* factors = tjGetScalingFactors(&count);
    bool found = false;
    uint64_t best = 0;
    for (int i = 0; factors != nullptr && i < count; ++i) {
      const uint64_t px = static_cast<uint64_t>(TJSCALED(width, factors[i])) *
                          static_cast<uint64_t>(TJSCALED(height, factors[i]));
      if (px <= kMaxPhotoPixels && px > best) {
        best = px;
        scale = factors[i];
        found = true;
      }
    }
    if (!found) {
      return MakeError(ErrorCode::kResourceExhausted, "JPEG of " + std::to_string(width) + "x" +
                                                          std::to_string(height) +
                                                          " pixels is too large to decode");
    }
  }
  qr::GrayImage img;
  img.width = TJSCALED(width, scale);
  img.height = TJSCALED(height, scale);
  img.pixels.resize(static_cast<size_t>(img.width) * img.height);
  // Progressive JPEGs with absurd scan counts are a decompression bomb:
  // TJFLAG_LIMITSCANS stops them at 500 scans.
  if (tjDecompress2(tj.get(), data.data(), static_cast<unsigned long>(data.size()),
                    img.pixels.data(), img.width, 0, img.height, TJPF_GRAY,
                    TJFLAG_LIMITSCANS) != 0 &&
      tjGetErrorCode(tj.get()) != TJERR_WARNING) {
    return MakeError(ErrorCode::kMalformed, std::string("bad JPEG: ") + tjGetErrorStr2(tj.get()));
  }
  // A warning (a truncated or slightly damaged file) still leaves an image
  // whose QR code may be whole: the reader decides.
  return ApplyOrientation(img, ExifOrientation(data));
}

// WebP keeps EXIF in its own RIFF chunk (a bare TIFF block).
int WebpOrientation(ByteSpan data) {
  WebPData webp{data.data(), data.size()};
  std::unique_ptr<WebPDemuxer, decltype(&WebPDemuxDelete)> demux(WebPDemux(&webp),
                                                                 &WebPDemuxDelete);
  if (!demux) return 1;
  if ((WebPDemuxGetI(demux.get(), WEBP_FF_FORMAT_FLAGS) & EXIF_FLAG) == 0) return 1;
  WebPChunkIterator chunk;
  if (!WebPDemuxGetChunk(demux.get(), "EXIF", 1, &chunk)) return 1;
  const int orientation = ExifOrientation(ByteSpan(chunk.chunk.bytes, chunk.chunk.size));
  WebPDemuxReleaseChunkIterator(&chunk);
  return orientation;
}

Result<qr::GrayImage> DecodeWebp(ByteSpan data) {
  int width = 0, height = 0;
  if (!WebPGetInfo(data.data(), data.size(), &width, &height)) {
    return MakeError(ErrorCode::kMalformed, "bad WebP file");
  }
  if (static_cast<uint64_t>(width) * height > kMaxPhotoPixels) {
    return MakeError(ErrorCode::kResourceExhausted, "WebP larger than 40 megapixels");
  }
  // The luma plane of a YUV decode is exactly the gray image.
  uint8_t *u = nullptr, *v = nullptr;
  int stride = 0, uv_stride = 0;
  std::unique_ptr<uint8_t, decltype(&WebPFree)> y(
      WebPDecodeYUV(data.data(), data.size(), &width, &height, &u, &v, &stride, &uv_stride),
      &WebPFree);
  if (!y) return MakeError(ErrorCode::kMalformed, "bad WebP file: cannot decode the image");
  qr::GrayImage img;
  img.width = width;
  img.height = height;
  img.pixels.resize(static_cast<size_t>(width) * height);
  for (int row = 0; row < height; ++row) {
    std::memcpy(&img.pixels[static_cast<size_t>(row) * width],
                y.get() + static_cast<size_t>(row) * stride, static_cast<size_t>(width));
  }
  return ApplyOrientation(img, WebpOrientation(data));
}

}  // namespace

ImageFormat SniffImageFormat(ByteSpan data) {
  if (qr::LooksLikePng(data)) return ImageFormat::kPng;
  if (data.size() >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff) {
    return ImageFormat::kJpeg;
  }
  if (data.size() >= 12 && std::memcmp(data.data(), "RIFF", 4) == 0 &&
      std::memcmp(data.data() + 8, "WEBP", 4) == 0) {
    return ImageFormat::kWebp;
  }
  return ImageFormat::kUnknown;
}

Result<qr::GrayImage> DecodePhoto(ByteSpan data) {
  switch (SniffImageFormat(data)) {
    case ImageFormat::kJpeg:
      return DecodeJpeg(data);
    case ImageFormat::kPng:
      return qr::DecodePng(data);
    case ImageFormat::kWebp:
      return DecodeWebp(data);
    case ImageFormat::kUnknown:
      break;
  }
  return MakeError(ErrorCode::kMalformed, "not a JPEG, PNG or WebP image");
}

}  // namespace acta::photo

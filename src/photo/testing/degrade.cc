#include "photo/testing/degrade.h"

#include <turbojpeg.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/random.h"
#include "photo/orientation.h"

namespace acta::photo::testing {
namespace {

// A minimal big-endian TIFF block with one IFD entry: Orientation.
Bytes ExifTiff(int orientation) {
  return Bytes{'M',  'M',
               0,    42,
               0,    0,
               0,    8,  // header, IFD0 at offset 8
               0,    1,  // one entry
               0x01, 0x12,
               0,    3,
               0,    0,
               0,    1,  // tag 0x0112, SHORT, count 1
               0,    static_cast<uint8_t>(orientation),
               0,    0,  // value, padded
               0,    0,
               0,    0};  // no next IFD
}

}  // namespace

Homography FromCorners(const std::array<double, 8>& to, const std::array<double, 8>& from) {
  // Solve the 8 unknowns of H (h22 = 1) from 4 correspondences by Gaussian
  // elimination with partial pivoting.
  double a[8][9] = {};
  for (int i = 0; i < 4; ++i) {
    const double x = to[2 * i], y = to[2 * i + 1], u = from[2 * i], v = from[2 * i + 1];
    double r1[9] = {x, y, 1, 0, 0, 0, -u * x, -u * y, u};
    double r2[9] = {0, 0, 0, x, y, 1, -v * x, -v * y, v};
    std::copy(r1, r1 + 9, a[2 * i]);
    std::copy(r2, r2 + 9, a[2 * i + 1]);
  }
  for (int c = 0; c < 8; ++c) {
    int p = c;
    for (int r = c + 1; r < 8; ++r) {
      if (std::abs(a[r][c]) > std::abs(a[p][c])) p = r;
    }
    std::swap(a[c], a[p]);
    for (int r = 0; r < 8; ++r) {
      if (r == c) continue;
      const double f = a[r][c] / a[c][c];
      for (int k = c; k < 9; ++k) a[r][k] -= f * a[c][k];
    }
  }
  Homography h{};
  for (int i = 0; i < 8; ++i) h[i] = a[i][8] / a[i][i];
  h[8] = 1;
  return h;
}

qr::GrayImage Warp(const qr::GrayImage& src, const Homography& h, int width, int height) {
  qr::GrayImage out;
  out.width = width;
  out.height = height;
  out.pixels.resize(static_cast<size_t>(width) * height);
  auto px = [&](int x, int y) -> double {
    if (x < 0 || y < 0 || x >= src.width || y >= src.height) return 255;
    return src.at(x, y);
  };
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const double w = h[6] * x + h[7] * y + h[8];
      const double sx = (h[0] * x + h[1] * y + h[2]) / w;
      const double sy = (h[3] * x + h[4] * y + h[5]) / w;
      const int x0 = static_cast<int>(std::floor(sx)), y0 = static_cast<int>(std::floor(sy));
      const double fx = sx - x0, fy = sy - y0;
      const double v = px(x0, y0) * (1 - fx) * (1 - fy) + px(x0 + 1, y0) * fx * (1 - fy) +
                       px(x0, y0 + 1) * (1 - fx) * fy + px(x0 + 1, y0 + 1) * fx * fy;
      out.pixels[static_cast<size_t>(y) * width + x] = static_cast<uint8_t>(std::lround(v));
    }
  }
  return out;
}

qr::GrayImage GaussianBlur(const qr::GrayImage& image, double sigma) {
  if (sigma <= 0) return image;
  const int r = static_cast<int>(std::ceil(3 * sigma));
  std::vector<double> k(static_cast<size_t>(2 * r + 1));
  double sum = 0;
  for (int i = -r; i <= r; ++i)
    sum += k[static_cast<size_t>(i + r)] = std::exp(-i * i / (2 * sigma * sigma));
  for (double& v : k) v /= sum;
  const int w = image.width, h = image.height;
  std::vector<double> tmp(static_cast<size_t>(w) * h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      double s = 0;
      for (int i = -r; i <= r; ++i)
        s += k[static_cast<size_t>(i + r)] * image.at(std::clamp(x + i, 0, w - 1), y);
      tmp[static_cast<size_t>(y) * w + x] = s;
    }
  }
  qr::GrayImage out = image;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      double s = 0;
      for (int i = -r; i <= r; ++i)
        s += k[static_cast<size_t>(i + r)] *
             tmp[static_cast<size_t>(std::clamp(y + i, 0, h - 1)) * w + x];
      out.pixels[static_cast<size_t>(y) * w + x] =
          static_cast<uint8_t>(std::clamp(std::lround(s), 0L, 255L));
    }
  }
  return out;
}

qr::GrayImage SideBySide(const qr::GrayImage& a, const qr::GrayImage& b, int gap) {
  qr::GrayImage out{a.width + gap + b.width, std::max(a.height, b.height), {}};
  out.pixels.assign(static_cast<size_t>(out.width) * out.height, 255);
  for (int y = 0; y < out.height; ++y) {
    uint8_t* row = &out.pixels[static_cast<size_t>(y) * out.width];
    if (y < a.height) std::copy_n(&a.pixels[static_cast<size_t>(y) * a.width], a.width, row);
    if (y < b.height) {
      std::copy_n(&b.pixels[static_cast<size_t>(y) * b.width], b.width, row + a.width + gap);
    }
  }
  return out;
}

qr::GrayImage TakePhoto(const qr::GrayImage& page, const Shot& shot) {
  // Where the page's corners land in the frame: scaled to `fill`, turned by
  // `degrees` about the frame's centre, the top edge narrowed by `tilt`.
  const double scale = shot.fill * shot.frame_height / page.height;
  const double pw = page.width * scale, ph = page.height * scale;
  const double narrow = pw * shot.tilt / 2;
  const double local[8] = {-pw / 2 + narrow, -ph / 2, pw / 2 - narrow, -ph / 2,
                           pw / 2,           ph / 2,  -pw / 2,         ph / 2};
  const double a = shot.degrees * M_PI / 180;
  std::array<double, 8> to{};
  for (int i = 0; i < 4; ++i) {
    const double x = local[2 * i], y = local[2 * i + 1];
    to[2 * i] = shot.frame_width / 2.0 + std::cos(a) * x - std::sin(a) * y;
    to[2 * i + 1] = shot.frame_height / 2.0 + std::sin(a) * x + std::cos(a) * y;
  }
  const double w = page.width, h = page.height;
  const std::array<double, 8> from{0, 0, w, 0, w, h, 0, h};
  qr::GrayImage img = Warp(page, FromCorners(to, from), shot.frame_width, shot.frame_height);
  img = GaussianBlur(img, shot.blur_sigma);
  SeededRandom rng(shot.seed);
  const double ink = 255 * (1 - shot.contrast) / 2;  // grey ink on grey paper
  for (int y = 0; y < img.height; ++y) {
    const double light = 1 - shot.shadow * y / img.height;
    for (int x = 0; x < img.width; ++x) {
      uint8_t& p = img.pixels[static_cast<size_t>(y) * img.width + x];
      double v = shot.negative ? 255 - p : p;
      v = (ink + v * shot.contrast) * light;
      if (shot.noise > 0) v += static_cast<double>(rng.Uniform(2 * shot.noise + 1)) - shot.noise;
      p = static_cast<uint8_t>(std::clamp(v, 0.0, 255.0));
    }
  }
  return img;
}

qr::GrayImage StoreAs(const qr::GrayImage& upright, int orientation) {
  // Each orientation's inverse: 6 and 8 undo each other, the rest are their
  // own inverse.
  const int inverse = orientation == 6 ? 8 : orientation == 8 ? 6 : orientation;
  return ApplyOrientation(upright, inverse);
}

Result<Bytes> EncodeJpeg(const qr::GrayImage& image, int quality, int orientation) {
  std::unique_ptr<void, decltype(&tjDestroy)> tj(tjInitCompress(), &tjDestroy);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  if (!tj || tjCompress2(tj.get(), image.pixels.data(), image.width, 0, image.height, TJPF_GRAY,
                         &buf, &size, TJSAMP_GRAY, quality, 0) != 0) {
    if (buf != nullptr) tjFree(buf);
    return MakeError(ErrorCode::kInternal, "JPEG encoding failed");
  }
  Bytes jpeg(buf, buf + size);
  tjFree(buf);
  if (orientation < 1 || orientation > 8) return jpeg;
  // APP1 "Exif\0\0" + TIFF, right after SOI.
  Bytes app1{0xff, 0xe1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
  const Bytes tiff = ExifTiff(orientation);
  app1.insert(app1.end(), tiff.begin(), tiff.end());
  app1[2] = static_cast<uint8_t>((app1.size() - 2) >> 8);
  app1[3] = static_cast<uint8_t>(app1.size() - 2);
  jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());
  return jpeg;
}

Result<Bytes> EncodeWebp(const qr::GrayImage& image, int quality, int orientation) {
  std::vector<uint8_t> rgb(image.pixels.size() * 3);
  for (size_t i = 0; i < image.pixels.size(); ++i) {
    rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = image.pixels[i];
  }
  uint8_t* out = nullptr;
  const size_t size = WebPEncodeRGB(rgb.data(), image.width, image.height, image.width * 3,
                                    static_cast<float>(quality), &out);
  if (size == 0) return MakeError(ErrorCode::kInternal, "WebP encoding failed");
  Bytes webp(out, out + size);
  WebPFree(out);
  if (orientation < 1 || orientation > 8) return webp;
  std::unique_ptr<WebPMux, decltype(&WebPMuxDelete)> mux(WebPMuxNew(), &WebPMuxDelete);
  const WebPData image_data{webp.data(), webp.size()};
  const Bytes tiff = ExifTiff(orientation);
  const WebPData exif{tiff.data(), tiff.size()};
  WebPData assembled{nullptr, 0};
  if (!mux || WebPMuxSetImage(mux.get(), &image_data, 1) != WEBP_MUX_OK ||
      WebPMuxSetChunk(mux.get(), "EXIF", &exif, 1) != WEBP_MUX_OK ||
      WebPMuxAssemble(mux.get(), &assembled) != WEBP_MUX_OK) {
    return MakeError(ErrorCode::kInternal, "WebP EXIF chunk failed");
  }
  Bytes with_exif(assembled.bytes, assembled.bytes + assembled.size);
  WebPDataClear(&assembled);
  return with_exif;
}

}  // namespace acta::photo::testing

#include "print/page_sink.h"

#include <cairo-pdf.h>

#include <cmath>
#include <optional>
#include <string>

namespace acta::print {
namespace {

cairo_status_t AppendTo(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<Bytes*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

Status Check(cairo_status_t status) {
  if (status == CAIRO_STATUS_SUCCESS) return Ok();
  return MakeError(ErrorCode::kInternal, std::string("cairo: ") + cairo_status_to_string(status));
}

class PdfSink final : public PageSink {
 public:
  explicit PdfSink(PageSize size)
      : surface_(cairo_pdf_surface_create_for_stream(&AppendTo, &pdf_, size.width, size.height)),
        cr_(cairo_create(surface_)) {
    // No creation date: the same acta prints to the same bytes.
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATE_DATE, "");
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "acta print");
  }
  ~PdfSink() override {
    cairo_destroy(cr_);
    cairo_surface_destroy(surface_);
  }
  cairo_t* NewPage() override {
    if (pages_++ > 0) cairo_show_page(cr_);
    return cr_;
  }
  Result<std::vector<Bytes>> Finish() override {
    ACTA_RETURN_IF_ERROR(Check(cairo_status(cr_)));
    cairo_surface_finish(surface_);
    ACTA_RETURN_IF_ERROR(Check(cairo_surface_status(surface_)));
    return std::vector<Bytes>{std::move(pdf_)};
  }

 private:
  Bytes pdf_;
  cairo_surface_t* surface_;
  cairo_t* cr_;
  int pages_ = 0;
};

class PngSink final : public PageSink {
 public:
  PngSink(PageSize size, int dpi) : size_(size), scale_(dpi / 72.0) {}
  ~PngSink() override { Close(); }
  cairo_t* NewPage() override {
    if (auto st = EndPage(); !st) error_ = st.error();
    const int w = static_cast<int>(std::lround(size_.width * scale_));
    const int h = static_cast<int>(std::lround(size_.height * scale_));
    surface_ = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cr_ = cairo_create(surface_);
    cairo_set_source_rgb(cr_, 1, 1, 1);
    cairo_paint(cr_);
    cairo_scale(cr_, scale_, scale_);
    return cr_;
  }
  Result<std::vector<Bytes>> Finish() override {
    ACTA_RETURN_IF_ERROR(EndPage());
    if (error_) return std::unexpected(*error_);
    return std::move(pages_);
  }

 private:
  Status EndPage() {
    if (cr_ == nullptr) return Ok();
    Status st = Check(cairo_status(cr_));
    Bytes png;
    if (st) st = Check(cairo_surface_write_to_png_stream(surface_, &AppendTo, &png));
    if (st) pages_.push_back(std::move(png));
    Close();
    return st;
  }
  void Close() {
    if (cr_ != nullptr) cairo_destroy(cr_);
    if (surface_ != nullptr) cairo_surface_destroy(surface_);
    cr_ = nullptr;
    surface_ = nullptr;
  }

  PageSize size_;
  double scale_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  std::vector<Bytes> pages_;
  std::optional<Error> error_;
};

}  // namespace

std::unique_ptr<PageSink> PageSink::Create(const SheetOptions& options) {
  const PageSize size = PaperSize(options.paper);
  if (options.format == SheetFormat::kPdf) return std::make_unique<PdfSink>(size);
  return std::make_unique<PngSink>(size, options.png_dpi);
}

}  // namespace acta::print

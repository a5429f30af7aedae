#include "cli/acta_input.h"

#include <filesystem>

#include "core/file.h"
#include "photo/image_file.h"
#include "photo/qr_scan.h"

namespace acta::cli {

Result<std::vector<Acta>> ReadActasInPhoto(const std::string& path, ByteSpan file) {
  auto image = photo::DecodePhoto(file);
  if (!image) return MakeError(image.error().code, path + ": " + image.error().message);
  auto texts = photo::ScanQrCodes(*image);
  if (!texts) return MakeError(texts.error().code, path + ": " + texts.error().message);
  std::vector<Acta> actas;
  std::string other;
  for (const std::string& text : *texts) {
    if (!std::string_view(text).starts_with(kActaTextPrefix)) {
      other = text.substr(0, 40);
      continue;
    }
    auto acta = ActaFromText(text);
    if (!acta) return MakeError(acta.error().code, path + ": QR code: " + acta.error().message);
    actas.push_back(std::move(*acta));
  }
  if (actas.empty()) {
    return MakeError(
        ErrorCode::kNotFound,
        path + ": the QR code in the photo is not an acta (it reads \"" + other + "\")");
  }
  return actas;
}

Result<Acta> ReadActaInput(const std::string& input) {
  std::error_code ec;
  if (std::string_view(input).starts_with(kActaTextPrefix) || !std::filesystem::exists(input, ec)) {
    if (!std::string_view(input).starts_with(kActaTextPrefix)) {
      return MakeError(ErrorCode::kNotFound,
                       "no such file, and not acta text (ACTA1:...): " + input);
    }
    return ActaFromText(input);
  }
  auto bytes = ReadFile(input);
  if (!bytes) return std::unexpected(bytes.error());
  if (photo::SniffImageFormat(*bytes) != photo::ImageFormat::kUnknown) {
    // A photo or scan of the printed sheet: its QR code carries the text form.
    auto actas = ReadActasInPhoto(input, *bytes);
    if (!actas) return std::unexpected(actas.error());
    for (const Acta& a : *actas) {
      if (a.bytes != actas->front().bytes) {
        return MakeError(ErrorCode::kInvalidArgument,
                         input + ": the photo shows " + std::to_string(actas->size()) +
                             " different actas; photograph one sheet, or use `acta compare "
                             "--photos` for many");
      }
    }
    return std::move(actas->front());
  }
  std::string_view head = AsChars(*bytes);
  // Skip leading white space in text files.
  size_t start = head.find_first_not_of(" \t\r\n");
  if (start != std::string_view::npos && head.substr(start).starts_with(kActaTextPrefix)) {
    auto acta = ActaFromText(head);
    if (!acta) return MakeError(acta.error().code, input + ": " + acta.error().message);
    return acta;
  }
  auto acta = DecodeActa(*bytes);
  if (!acta) return MakeError(acta.error().code, input + ": " + acta.error().message);
  return acta;
}

}  // namespace acta::cli

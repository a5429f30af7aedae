#include "cli/acta_input.h"

#include <filesystem>

#include "core/file.h"
#include "terminal/qr.h"

namespace acta::cli {

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
  if (qr::LooksLikePng(*bytes)) {
    // A photo or scan of the printed sheet: its QR code carries the text form.
    auto image = qr::DecodePng(*bytes);
    if (!image) return MakeError(image.error().code, input + ": " + image.error().message);
    auto text = qr::Decode(*image);
    if (!text) return MakeError(text.error().code, input + ": " + text.error().message);
    auto acta = ActaFromText(*text);
    if (!acta) return MakeError(acta.error().code, input + ": QR code: " + acta.error().message);
    return acta;
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

// GET /v1/witnesses?size=N on the public listener: the manifest's witness
// policy and which witnesses cosigned the checkpoint of size N (docs/API.md).
#pragma once

#include <cstdint>
#include <string>

#include "center/cosignature_collector.h"
#include "core/manifest.h"

namespace acta::center {

// {"quorum":k,"witnesses":[{"name","vkey","url","cosigned_size"}...],
//  "size":N,"cosigned_by":[names...],"quorum_met":bool}. `collector` may be
// null (no witness listed, or collection off): nobody cosigned.
[[nodiscard]] std::string WitnessesJson(const Manifest& manifest,
                                        const CosignatureCollector* collector, uint64_t size);

}  // namespace acta::center

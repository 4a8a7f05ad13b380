// The installed backend: one pointer, set by main (or a test's setup) before any QML is loaded.
#include "ui/engine_backend.h"

namespace gemma {
namespace {

std::shared_ptr<EngineBackend>& Installed() {
  static std::shared_ptr<EngineBackend> backend;
  return backend;
}

}  // namespace

void InstallBackend(std::shared_ptr<EngineBackend> backend) { Installed() = std::move(backend); }

std::shared_ptr<EngineBackend> InstalledBackend() { return Installed(); }

}  // namespace gemma

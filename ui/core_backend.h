// The real EngineBackend: model files through core/model, generation through gemma::Session.
#pragma once

#include "ui/engine_backend.h"

namespace gemma {

class CoreBackend : public EngineBackend {
 public:
  ModelDescription Describe(const QString& model_file) override;
  bool Import(const QString& source, const QString& destination, const BackendProgressFn& progress) override;
  std::unique_ptr<LoadedModel> Load(const QString& path, int threads, const BackendProgressFn& progress) override;
};

}  // namespace gemma

// Avx512 kernels. Placeholder: forwards to the portable kernels until the SIMD code lands.
#include "core/engine/kernels_impl.h"

namespace gemma::kernels_detail {

void QuantizeRowsAvx512(const float* x, int n, int cols, int8_t* q, float* scales) {
  QuantizeRowsPortable(x, n, cols, q, scales);
}

void MatMulInt8Avx512(const MatrixView& w, const int8_t* xq, const float* xs, int n, int row_begin, int row_end,
                    float* y, int ldy) {
  MatMulInt8Portable(w, xq, xs, n, row_begin, row_end, y, ldy);
}

}  // namespace gemma::kernels_detail

#pragma once
// The arithmetic of the linear codes beyond the original's single sum
// (docs/CODES.md): ParM's r parities as a real-valued MDS-style code with
// least-squares decoding, and Berrut's rational interpolation (BACC /
// ApproxIFER). Matrices are float64 (r, k <= a few dozen); the coders cast
// them to the data's type.
#include <ATen/ATen.h>

#include <string>
#include <vector>

namespace parity {

/// Chebyshev points of the first kind on [-1, 1]: cos((2i+1)pi / 2n),
/// i = 0..n-1 (descending).
std::vector<double> chebyshevFirstKind(int n);
/// Chebyshev points of the second kind (Chebyshev-Lobatto): cos(i pi / (n-1)),
/// i = 0..n-1 (descending, both ends included); n >= 2.
std::vector<double> chebyshevSecondKind(int n);

/// ParM with r parities: A (r x k, float64) with a_{j,i} = alpha_i^j, alpha the
/// first-kind Chebyshev points of k. Row 0 is all ones, so r = 1 is the
/// original's sum; every set of at most r columns is linearly independent
/// (the top rows of a Vandermonde matrix on distinct nodes).
at::Tensor parityCodeMatrix(int k, int r);

/// The 2-norm condition number (largest over smallest singular value) of
/// the columns `columns` of `a`.
double conditionNumber(const at::Tensor& a, const std::vector<int>& columns);

/// Least-squares decoding of the erased positions S of the code `a` (r x k):
/// M (|S| x (k + r), float64) such that F_S = M . [F_0 .. F_{k-1}, Fp_0 .. Fp_{r-1}]
/// solves A[:, S] F_S = Fp - A[:, ~S] F_~S in the least-squares sense
/// (columns of S are zero: an erased output is never read).
at::Tensor leastSquaresDecoding(const at::Tensor& a, const std::vector<int>& erased);

/// Berrut's rational interpolant through the nodes `from`, evaluated at
/// `at`: W (at.size() x from.size(), float64) with
///   W[m][i] = ((-1)^i / (at_m - from_i)) / sum_j (-1)^j / (at_m - from_j),
/// the signs alternating over the position in `from` (sorted by node).
/// Throws parity::Error when an evaluation point coincides with a node.
at::Tensor berrutWeights(const std::vector<double>& from, const std::vector<double>& at);

/// The nodes of a Berrut code with k queries and N = k + r workers, as
/// BACC and ApproxIFER choose them: data nodes alpha_i = Chebyshev points of
/// the first kind (k), worker nodes z_n = Chebyshev points of the second kind (N).
struct BerrutNodes {
    std::vector<double> data;
    std::vector<double> workers;
};
BerrutNodes berrutNodes(int k, int r);
/// "" when no worker node coincides with a data node, else which do (the
/// code would not be defined there).
std::string berrutCollision(int k, int r);

/// Every subset of {0..n-1} with e elements, each sorted, in lexicographic order.
std::vector<std::vector<int>> subsetsOfSize(int n, int e);
/// C(n, e), saturating at a large value.
int64_t binomial(int n, int e);

} // namespace parity

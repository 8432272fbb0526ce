#include "data/Boxes.h"

#include "util/Error.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace parity {

Box cropToImage(const Box& p, float W, float H)
{
    // torch.max(torch.min(v, size), 0) on float32 corners, as box_util.py.
    const float x1 = std::max(std::min(p.x, W), 0.0f);
    const float y1 = std::max(std::min(p.y, H), 0.0f);
    // In box_util.py's order of operations: w += x - 1, then w -= x1 - 1.
    const float x2 = std::max(std::min(p.w + (p.x - 1.0f), W), 0.0f);
    const float y2 = std::max(std::min(p.h + (p.y - 1.0f), H), 0.0f);
    return {x1, y1, x2 - (x1 - 1.0f), y2 - (y1 - 1.0f)};
}

namespace {
Box normalised(const Box& c, float W, float H)
{
    return {2.0f * c.x / W - 1.0f, 2.0f * c.y / H - 1.0f, 2.0f * c.w / W, 2.0f * c.h / H};
}
} // namespace

Box normaliseBox(const Box& pixels, int imageWidth, int imageHeight)
{
    const float W = float(imageWidth), H = float(imageHeight);
    return normalised(cropToImage(pixels, W, H), W, H);
}

Box toPixels(const Box& n, float W, float H)
{
    return {(n.x + 1.0f) / 2.0f * W, (n.y + 1.0f) / 2.0f * H, n.w / 2.0f * W, n.h / 2.0f * H};
}

float pixelIou(const Box& a, const Box& b)
{
    auto area = [](float x1, float y1, float x2, float y2) {
        return std::max(x2 - x1, 0.0f) * std::max(y2 - y1, 0.0f);
    };
    const float ax2 = a.w + (a.x - 1.0f), ay2 = a.h + (a.y - 1.0f);
    const float bx2 = b.w + (b.x - 1.0f), by2 = b.h + (b.y - 1.0f);
    const float a1 = area(a.x, a.y, ax2, ay2);
    const float a2 = area(b.x, b.y, bx2, by2);
    const float inter = area(std::max(a.x, b.x), std::max(a.y, b.y), std::min(ax2, bx2), std::min(ay2, by2));
    const float uni = a1 + a2 - inter;
    // The original asserts a non-empty union; a degenerate pair scores 0 here.
    return uni > 0.0f ? inter / uni : 0.0f;
}

Box clipNormalised(const Box& n, float W, float H) { return normalised(cropToImage(toPixels(n, W, H), W, H), W, H); }

at::Tensor clipNormalisedRows(const at::Tensor& boxes, const at::Tensor& imageSizes)
{
    at::Tensor out = boxes.to(at::kFloat).reshape({-1, 4}).contiguous().clone();
    const at::Tensor sc = imageSizes.to(at::kFloat).reshape({-1, 2}).contiguous();
    if (out.size(0) != sc.size(0))
        throw Error("clipNormalisedRows: " + std::to_string(out.size(0)) + " boxes against "
                    + std::to_string(sc.size(0)) + " image sizes");
    float* p = out.data_ptr<float>();
    const float* s = sc.data_ptr<float>();
    for (int64_t i = 0; i < out.size(0); ++i) {
        const Box b = clipNormalised({p[4 * i], p[4 * i + 1], p[4 * i + 2], p[4 * i + 3]}, s[2 * i], s[2 * i + 1]);
        p[4 * i] = b.x, p[4 * i + 1] = b.y, p[4 * i + 2] = b.w, p[4 * i + 3] = b.h;
    }
    return out;
}

float scoredIou(const Box& decoded, const Box& reference, float W, float H)
{
    return pixelIou(cropToImage(toPixels(decoded, W, H), W, H), toPixels(reference, W, H));
}

at::Tensor scoredIouRows(const at::Tensor& decoded, const at::Tensor& reference, const at::Tensor& imageSizes)
{
    const at::Tensor ac = decoded.to(at::kFloat).reshape({-1, 4}).contiguous();
    const at::Tensor bc = reference.to(at::kFloat).reshape({-1, 4}).contiguous();
    const at::Tensor sc = imageSizes.to(at::kFloat).reshape({-1, 2}).contiguous();
    if (ac.size(0) != bc.size(0) || ac.size(0) != sc.size(0))
        throw Error("scoredIouRows: " + std::to_string(ac.size(0)) + " boxes against " + std::to_string(bc.size(0))
                    + " boxes and " + std::to_string(sc.size(0)) + " image sizes");
    const int64_t n = ac.size(0);
    at::Tensor out = at::empty({n}, at::kFloat);
    const float* pa = ac.data_ptr<float>();
    const float* pb = bc.data_ptr<float>();
    const float* ps = sc.data_ptr<float>();
    float* po = out.data_ptr<float>();
    for (int64_t i = 0; i < n; ++i)
        po[i] = scoredIou({pa[4 * i], pa[4 * i + 1], pa[4 * i + 2], pa[4 * i + 3]},
                          {pb[4 * i], pb[4 * i + 1], pb[4 * i + 2], pb[4 * i + 3]}, ps[2 * i], ps[2 * i + 1]);
    return out;
}

std::map<int64_t, Box> readBoxFile(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        throw Error(path + ": cannot open the box file");
    std::map<int64_t, Box> boxes;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        std::istringstream fields(line);
        int64_t id = 0;
        Box b;
        std::string rest;
        if (!(fields >> id >> b.x >> b.y >> b.w >> b.h) || (fields >> rest))
            throw Error(path + ":" + std::to_string(number) + ": expected 'id x y w h', got '" + line + "'");
        boxes[id] = b;
    }
    return boxes;
}

} // namespace parity

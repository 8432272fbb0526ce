#include "data/Boxes.h"

#include "util/Error.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace parity {

Box normaliseBox(const Box& p, int imageWidth, int imageHeight)
{
    const float W = float(imageWidth), H = float(imageHeight);
    const float x0 = std::clamp(p.x, 0.0f, W), y0 = std::clamp(p.y, 0.0f, H);
    const float x1 = std::clamp(p.x + p.w, 0.0f, W), y1 = std::clamp(p.y + p.h, 0.0f, H);
    Box b;
    b.x = 2.0f * x0 / W - 1.0f;
    b.y = 2.0f * y0 / H - 1.0f;
    b.w = 2.0f * std::max(0.0f, x1 - x0) / W;
    b.h = 2.0f * std::max(0.0f, y1 - y0) / H;
    return b;
}

double iou(const Box& a, const Box& b)
{
    const double aw = std::max(0.0f, a.w), ah = std::max(0.0f, a.h);
    const double bw = std::max(0.0f, b.w), bh = std::max(0.0f, b.h);
    const double iw = std::max(0.0, std::min(double(a.x) + aw, double(b.x) + bw) - std::max(double(a.x), double(b.x)));
    const double ih = std::max(0.0, std::min(double(a.y) + ah, double(b.y) + bh) - std::max(double(a.y), double(b.y)));
    const double inter = iw * ih;
    const double uni = aw * ah + bw * bh - inter;
    return uni > 0 ? inter / uni : 0.0;
}

at::Tensor iouRows(const at::Tensor& a, const at::Tensor& b)
{
    const at::Tensor ac = a.to(at::kFloat).reshape({-1, 4}).contiguous();
    const at::Tensor bc = b.to(at::kFloat).reshape({-1, 4}).contiguous();
    if (ac.size(0) != bc.size(0))
        throw Error("iouRows: " + std::to_string(ac.size(0)) + " boxes against " + std::to_string(bc.size(0)));
    const int64_t n = ac.size(0);
    at::Tensor out = at::empty({n}, at::kDouble);
    const float* pa = ac.data_ptr<float>();
    const float* pb = bc.data_ptr<float>();
    double* po = out.data_ptr<double>();
    for (int64_t i = 0; i < n; ++i)
        po[i] = iou({pa[4 * i], pa[4 * i + 1], pa[4 * i + 2], pa[4 * i + 3]},
                    {pb[4 * i], pb[4 * i + 1], pb[4 * i + 2], pb[4 * i + 3]});
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

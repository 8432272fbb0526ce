#pragma once
// Precompiled header for every target that uses LibTorch: parsing torch/torch.h
// costs ~20 s per translation unit on a 2-core machine, once per target with this.
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

# Shared by run.sh and test.sh: install what is missing from Debian's archive,
# then configure and build (Release). Source it; it defines functions only.

PARITY_CORE_PACKAGES=(build-essential cmake libtorch-dev libopenblas0-pthread nlohmann-json3-dev zlib1g-dev
                      libdeflate-dev libjpeg-dev libpng-dev
                      dataset-fashion-mnist)
PARITY_GUI_PACKAGES=(qt6-base-dev libqcustomplot-dev)
# slurm-wlm and munge: the one-node cluster the Slurm tests start (tests/slurm).
PARITY_TEST_PACKAGES=(libgtest-dev clang-format slurm-wlm munge)

parity_missing_packages() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    echo "${missing[@]}"
}

parity_install() {
    local missing
    missing=$(parity_missing_packages "$@")
    [ -z "$missing" ] && return 0
    echo "Installing Debian packages: $missing"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq --no-install-recommends $missing
}

parity_build() {
    local build_dir=$1; shift
    cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "$@"
    cmake --build "$build_dir" -j"$(nproc)"
}

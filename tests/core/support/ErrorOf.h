#pragma once
// Runs code that must fail with a parity::Error and returns the message, so
// a test can check that it names the file and the problem.
#include "util/Error.h"

#include <gtest/gtest.h>

#include <string>

namespace parity::test {

template <typename Fn>
std::string errorOf(Fn&& fn)
{
    try {
        fn();
    } catch (const parity::Error& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected parity::Error, got std::exception: " << e.what();
        return {};
    }
    ADD_FAILURE() << "expected parity::Error, nothing thrown";
    return {};
}

} // namespace parity::test

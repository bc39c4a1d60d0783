// Run-time CPU checks. Compiled without -mavx2, so it is safe on any x86-64.
#pragma once
#include <string>

namespace gu {

/** AVX2 and FMA present and enabled by the OS (XSAVE of ymm state). GROUNDUP_CPU_BASELINE=1 pretends not. */
bool cpuHasAvx2Fma();
/** The CPU's brand string, e.g. "AMD EPYC 7B13", or "" when unknown. */
std::string cpuBrand();

}  // namespace gu

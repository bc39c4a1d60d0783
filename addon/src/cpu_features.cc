// CPUID checks for the AVX2/FMA kernels: they must never run (SIGILL) on an older CPU.
#include "cpu_features.h"

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace gu {

bool cpuHasAvx2Fma() {
  const char* force = std::getenv("GROUNDUP_CPU_BASELINE");
  if (force && std::strcmp(force, "1") == 0) return false;
#if defined(__x86_64__) || defined(__i386__)
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  if (!(c & bit_FMA) || !(c & bit_AVX) || !(c & bit_OSXSAVE)) return false;
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  if ((lo & 0x6) != 0x6) return false;  // the OS saves xmm and ymm state
  if (__get_cpuid_max(0, nullptr) < 7) return false;
  __cpuid_count(7, 0, a, b, c, d);
  return (b & bit_AVX2) != 0;
#else
  return false;
#endif
}

std::string cpuBrand() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned regs[12];
  if (__get_cpuid_max(0x80000000, nullptr) < 0x80000004) return "";
  for (unsigned i = 0; i < 3; i++) __get_cpuid(0x80000002 + i, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2], &regs[4 * i + 3]);
  char s[49];
  std::memcpy(s, regs, 48);
  s[48] = 0;
  std::string out(s);
  const size_t first = out.find_first_not_of(' '), last = out.find_last_not_of(' ');
  return first == std::string::npos ? "" : out.substr(first, last - first + 1);
#else
  return "";
#endif
}

}  // namespace gu

// The thread pool. Workers spin briefly after a job (training loops call the kernels back to
// back, and a futex wake costs several µs), then sleep on a condition variable.
#include "pool.h"

#include <sched.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace gu {
namespace {

constexpr int kMaxThreads = 64;
constexpr int kSpins = 20000;  // ≈ 50–100 µs of pause instructions before sleeping

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

int defaultThreads() {
  if (const char* env = std::getenv("GROUNDUP_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1) return n < kMaxThreads ? n : kMaxThreads;
  }
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n >= 1) return n < kMaxThreads ? n : kMaxThreads;
  }
  unsigned hc = std::thread::hardware_concurrency();
  return hc >= 1 ? (hc < kMaxThreads ? static_cast<int>(hc) : kMaxThreads) : 1;
}

struct Pool {
  int threads = defaultThreads();
  std::vector<std::thread> workers;  // workers[i] runs tid i + 1
  std::mutex mu;
  std::mutex runMu;
  std::condition_variable wake;
  std::atomic<unsigned> generation{0};
  std::atomic<int> sleepers{0};
  std::atomic<int> pending{0};
  bool stopping = false;
  PoolTask task = nullptr;
  void* ctx = nullptr;
  int active = 0;  // threads taking part in the current job

  void workerLoop(int tid) {
    unsigned seen = 0;
    for (;;) {
      unsigned g;
      int spins = 0;
      while ((g = generation.load(std::memory_order_acquire)) == seen && ++spins < kSpins) cpuRelax();
      if (g == seen) {
        std::unique_lock<std::mutex> lock(mu);
        sleepers.fetch_add(1);
        wake.wait(lock, [&] { return stopping || generation.load(std::memory_order_acquire) != seen; });
        sleepers.fetch_sub(1);
        if (stopping) return;
        g = generation.load(std::memory_order_acquire);
      }
      seen = g;
      if (tid < active) {
        task(ctx, tid, active);
        pending.fetch_sub(1, std::memory_order_acq_rel);
      }
    }
  }

  void resize() {
    // Called with no job running. Workers beyond `threads` are stopped and restarted lazily.
    if (static_cast<int>(workers.size()) == threads - 1) return;
    stop();
    stopping = false;
    for (int t = 1; t < threads; t++) workers.emplace_back([this, t] { workerLoop(t); });
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stopping = true;
    }
    wake.notify_all();
    for (auto& w : workers) w.join();
    workers.clear();
  }

  void run(int n, PoolTask t, void* c) {
    if (n > threads) n = threads;
    if (n <= 1) {  // no hand-off and no lock: also safe from inside a running task
      t(c, 0, 1);
      return;
    }
    // One job at a time, should two JS threads (worker_threads) share the addon.
    std::lock_guard<std::mutex> one(runMu);
    resize();
    task = t;
    ctx = c;
    active = n;
    pending.store(n - 1, std::memory_order_relaxed);
    {
      // Publishing under the mutex pairs with the sleepers' predicate check: no lost wake-up.
      std::lock_guard<std::mutex> lock(mu);
      generation.fetch_add(1, std::memory_order_release);
    }
    if (sleepers.load() > 0) wake.notify_all();
    t(c, 0, n);
    // Workers usually finish within a few µs of the caller; when one was descheduled (a busy
    // machine), yield so it can run rather than spin against it.
    for (int spins = 0; pending.load(std::memory_order_acquire) != 0; spins++) {
      cpuRelax();
      if (spins > 2000) std::this_thread::yield();
    }
  }
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed by static teardown: poolShutdown joins
  return *p;
}

}  // namespace

int poolThreads() { return pool().threads; }

void setPoolThreads(int n) {
  pool().threads = n < 1 ? 1 : n > kMaxThreads ? kMaxThreads : n;
}

void poolRun(int nthreads, PoolTask task, void* ctx) { pool().run(nthreads, task, ctx); }

void poolShutdown() { pool().stop(); }

}  // namespace gu

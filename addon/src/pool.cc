// The thread pool. Workers spin briefly after a job (training loops call the kernels back to
// back, and a futex wake costs several µs), then sleep on a condition variable.
#include "pool.h"

#include "gemm_eager.h"

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
  // The current job, stamped before its generation is published: job holds generation << 32 |
  // threads taking part (poolRun), gate generation << 32 | closed << 31 | threads taking part
  // << 16 | threads joined (poolRunEager). A worker that finds neither stamped with the
  // generation it saw was descheduled past a whole job, and looks again.
  std::atomic<unsigned long long> job{0};
  std::atomic<unsigned long long> gate{0};
  std::atomic<int> eagerDone{0};
  PoolTask task = nullptr;
  void* ctx = nullptr;

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
      if (joinEager(g, tid)) continue;
      const unsigned long long j = job.load(std::memory_order_acquire);
      if (static_cast<unsigned>(j >> 32) != g) continue;  // stale: a later job is out
      const int active = static_cast<int>(j & 0xffff);
      if (tid < active) {
        task(ctx, tid, active);
        pending.fetch_sub(1, std::memory_order_acq_rel);
      }
    }
  }

  static constexpr unsigned long long kClosed = 1ull << 31;

  /**
   * If generation g is an eager job, joins it while it is open (running the task) and returns
   * true. task and ctx are read only after joining: until every joined worker has finished, the
   * caller cannot publish another job. A worker that comes too late (closed) skips it.
   */
  bool joinEager(unsigned g, int tid) {
    unsigned long long s = gate.load(std::memory_order_acquire);
    if (static_cast<unsigned>(s >> 32) != g) return false;
    for (;;) {
      if (static_cast<unsigned>(s >> 32) != g || (s & kClosed) || tid >= static_cast<int>((s >> 16) & 0x7fff)) return true;
      if (gate.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel, std::memory_order_acquire)) break;
    }
    task(ctx, tid, static_cast<int>((s >> 16) & 0x7fff));
    eagerDone.fetch_add(1, std::memory_order_release);
    return true;
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
    pending.store(n - 1, std::memory_order_relaxed);
    job.store(static_cast<unsigned long long>(generation.load(std::memory_order_relaxed) + 1) << 32 | n,
              std::memory_order_release);
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

  void runEager(int n, PoolTask t, void* c, bool wakeSleepers) {
    if (n > threads) n = threads;
    if (n <= 1) {
      t(c, 0, 1);
      return;
    }
    std::lock_guard<std::mutex> one(runMu);
    resize();
    task = t;
    ctx = c;
    eagerDone.store(0, std::memory_order_relaxed);
    const unsigned next = generation.load(std::memory_order_relaxed) + 1;
    gate.store(static_cast<unsigned long long>(next) << 32 | static_cast<unsigned long long>(n) << 16,
               std::memory_order_release);
    {
      std::lock_guard<std::mutex> lock(mu);
      generation.fetch_add(1, std::memory_order_release);
    }
    if (wakeSleepers && sleepers.load() > 0) wake.notify_all();
    t(c, 0, n);
    // Close the job: a worker that has not joined by now (asleep, or descheduled on a busy
    // machine) will skip it, so the caller waits only for those already working.
    const int joined = static_cast<int>(gate.fetch_or(kClosed, std::memory_order_acq_rel) & 0xffff);
    for (int spins = 0; eagerDone.load(std::memory_order_acquire) != joined; spins++) {
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

void poolRunEager(int nthreads, PoolTask task, void* ctx, bool wakeSleepers) {
  pool().runEager(nthreads, task, ctx, wakeSleepers);
}

void poolShutdown() { pool().stop(); }

}  // namespace gu

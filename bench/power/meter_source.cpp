#include "bench/power/meter_source.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "bench/power/meter_csv.h"

extern char** environ;

namespace eb::bench {
namespace {

using namespace std::chrono_literals;

std::string line_error(const MeterLineError& e) { return "line " + std::to_string(e.line) + ": " + e.reason; }

// Keeps the samples inside [t0, t1] and the nearest one on each side (for interpolation).
std::vector<PowerSample> clip_with_neighbours(const std::vector<PowerSample>& all, std::int64_t t0, std::int64_t t1) {
  auto first = std::lower_bound(all.begin(), all.end(), t0, [](const PowerSample& s, std::int64_t t) { return s.t_ns < t; });
  auto last = std::upper_bound(all.begin(), all.end(), t1, [](std::int64_t t, const PowerSample& s) { return t < s.t_ns; });
  if (first != all.begin()) --first;
  if (last != all.end()) ++last;
  return {first, last};
}

class MeterLogSource final : public PowerSource {
 public:
  MeterLogSource(PowerSourceInfo info, MeterLogOptions options) : PowerSource(std::move(info)), options_(std::move(options)) {}
  bool polled() const override { return false; }

  void stream(PowerSink& sink, std::stop_token stop, PowerPhase) override {
    const std::int64_t t0 = power_clock_ns();
    sink.ready();  // the log covers the phase by itself; it is read at the end
    std::mutex m;
    std::condition_variable_any cv;
    {
      std::unique_lock lock(m);
      cv.wait(lock, stop, [] { return false; });
    }
    const std::int64_t t1 = power_clock_ns();
    std::ifstream in(options_.path, std::ios::binary);
    if (!in) {
      sink.fail("cannot read meter log " + options_.path.string() + ": " + std::strerror(errno));
      return;
    }
    std::stringstream text;
    text << in.rdbuf();
    std::int64_t offset_ns = 0;
    if (options_.clock == MeterClock::unix_time) {
      const auto unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
      offset_ns = power_clock_ns() - unix_ns;
    }
    const MeterLog log = parse_meter_csv(text.str(), offset_ns);
    for (const auto& e : log.rejected) sink.fail(options_.path.string() + ": " + line_error(e));
    if (!log.ok()) return;
    for (const auto& s : clip_with_neighbours(log.samples, t0, t1)) sink.push(s);
  }

 private:
  MeterLogOptions options_;
};

// A file descriptor closed on destruction.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// `/bin/sh -c command` in its own process group with stdout on a pipe. The destructor ends
// the group (SIGTERM, then SIGKILL after a second) and reaps the shell.
class MeterProcess {
 public:
  static std::optional<MeterProcess> spawn(const std::string& command, std::string& why) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      why = std::string("pipe: ") + std::strerror(errno);
      return std::nullopt;
    }
    Fd read_end(fds[0]);
    Fd write_end(fds[1]);
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
    ::posix_spawnattr_init(&attr);
    ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    ::posix_spawnattr_setpgroup(&attr, 0);
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, "/bin/sh", &actions, &attr, const_cast<char**>(argv), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::posix_spawnattr_destroy(&attr);
    if (rc != 0) {
      why = "cannot start meter command: " + std::string(std::strerror(rc));
      return std::nullopt;
    }
    return MeterProcess(pid, std::move(read_end));
  }

  MeterProcess(MeterProcess&& o) noexcept : pid_(std::exchange(o.pid_, -1)), out_(std::move(o.out_)) {}
  MeterProcess& operator=(MeterProcess&&) = delete;
  MeterProcess(const MeterProcess&) = delete;
  ~MeterProcess() { end(); }

  int stdout_fd() const { return out_.get(); }

  // Ends the command and returns its wait status (or -1 if it was already reaped).
  int end() {
    if (pid_ < 0) return -1;
    out_.reset();
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(-pid_, SIGTERM);
      const auto deadline = std::chrono::steady_clock::now() + 1s;
      while (::waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
          ::kill(-pid_, SIGKILL);
          ::waitpid(pid_, &status, 0);
          break;
        }
        std::this_thread::sleep_for(5ms);
      }
    }
    pid_ = -1;
    return status;
  }

 private:
  MeterProcess(pid_t pid, Fd out) : pid_(pid), out_(std::move(out)) {}
  pid_t pid_;
  Fd out_;
};

class MeterCommandSource final : public PowerSource {
 public:
  MeterCommandSource(PowerSourceInfo info, MeterCommandOptions options)
      : PowerSource(std::move(info)), options_(std::move(options)) {}
  bool polled() const override { return false; }

  void stream(PowerSink& sink, std::stop_token stop, PowerPhase) override {
    std::string why;
    auto process = MeterProcess::spawn(options_.command, why);
    if (!process) return sink.fail(why);
    Fd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (wake.get() < 0) return sink.fail(std::string("eventfd: ") + std::strerror(errno));
    std::stop_callback on_stop(stop, [&] {
      const std::uint64_t one = 1;
      [[maybe_unused]] const auto n = ::write(wake.get(), &one, sizeof one);
    });

    MeterLineParser parser(/*time_required=*/false);
    std::string pending;
    bool eof = false;
    std::optional<std::chrono::steady_clock::time_point> drain_until;
    std::size_t samples_at_stop = 0;
    for (;;) {
      if (stop.stop_requested() && !drain_until) {
        drain_until = std::chrono::steady_clock::now() + options_.drain_timeout;
        samples_at_stop = sink.samples().size();
      }
      if (drain_until && (eof || sink.samples().size() > samples_at_stop ||
                          std::chrono::steady_clock::now() >= *drain_until))
        break;
      pollfd fds[2] = {{process->stdout_fd(), POLLIN, 0}, {wake.get(), POLLIN, 0}};
      int timeout_ms = -1;
      if (drain_until)
        timeout_ms = static_cast<int>(std::max<std::int64_t>(
            0, std::chrono::duration_cast<std::chrono::milliseconds>(*drain_until - std::chrono::steady_clock::now())
                   .count()));
      // Once the stream has ended only the stop request is waited for; once stop has been
      // requested the wake fd stays readable, so it is left out.
      const nfds_t n = drain_until ? 1 : 2;
      if (eof) fds[0].fd = -1;
      if (::poll(fds, n, timeout_ms) < 0 && errno != EINTR) return sink.fail(std::string("poll: ") + std::strerror(errno));
      if (!(fds[0].revents & (POLLIN | POLLHUP))) continue;
      char buf[4096];
      const ssize_t got = ::read(process->stdout_fd(), buf, sizeof buf);
      const std::int64_t t = power_clock_ns();  // the receipt time of every line in this read
      if (got <= 0) {
        if (got < 0 && errno == EINTR) continue;
        eof = true;
        continue;
      }
      pending.append(buf, static_cast<std::size_t>(got));
      std::size_t start = 0;
      for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
        const MeterLine line = parser.parse(std::string_view(pending).substr(start, nl - start));
        if (line.kind == MeterLine::Kind::sample) sink.push({t, line.watts});
        if (line.kind == MeterLine::Kind::error) sink.fail("meter command: " + line_error(line.error));
      }
      pending.erase(0, start);
    }
    const int status = process->end();
    // A command that closed its output on its own must have succeeded; one ended here (by
    // SIGTERM) is not judged by its status.
    if (eof && status >= 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
      sink.fail(WIFEXITED(status) ? "meter command exited with status " + std::to_string(WEXITSTATUS(status))
                                  : "meter command ended by signal " + std::to_string(WTERMSIG(status)));
  }

 private:
  MeterCommandOptions options_;
};

}  // namespace

PowerDiscovery discover_meter_log(const MeterLogOptions& options) {
  PowerDiscovery out;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(options.path, ec)) {
    out.unavailable.push_back({"meter", "no meter log " + options.path.string() +
                                            " (start the meter's logger before the benchmark)"});
    return out;
  }
  PowerSourceInfo info;
  info.name = "meter";
  info.kind = PowerKind::power;
  info.provenance = PowerProvenance::measured(
      "meter log " + options.path.filename().string(),
      {{"path", std::filesystem::absolute(options.path, ec).string()},
       {"clock", options.clock == MeterClock::monotonic ? "host CLOCK_MONOTONIC seconds"
                                                         : "unix seconds, mapped with system_clock - steady_clock"}});
  info.in_total = true;
  out.sources.push_back(std::make_unique<MeterLogSource>(std::move(info), options));
  return out;
}

PowerDiscovery discover_meter_command(const MeterCommandOptions& options) {
  PowerDiscovery out;
  if (options.command.empty()) {
    out.unavailable.push_back({"meter-cmd", "no command given"});
    return out;
  }
  PowerSourceInfo info;
  info.name = "meter-cmd";
  info.kind = PowerKind::power;
  info.provenance = PowerProvenance::measured(
      "meter command", {{"command", options.command}, {"timestamps", "steady_clock at receipt of each line"}});
  info.in_total = true;
  out.sources.push_back(std::make_unique<MeterCommandSource>(std::move(info), options));
  return out;
}

}  // namespace eb::bench

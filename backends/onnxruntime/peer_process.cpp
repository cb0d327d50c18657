#include "backends/onnxruntime/peer_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace eb::peer {

PeerProcess::PeerProcess(const std::vector<std::string>& argv, std::filesystem::path stderr_file) : stderr_file_(std::move(stderr_file)) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    throw std::runtime_error(std::string("peer: socketpair failed: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
  posix_spawn_file_actions_adddup2(&actions, sv[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> storage = argv;
  std::vector<char*> args;
  for (auto& a : storage) args.push_back(a.data());
  args.push_back(nullptr);
  const int rc = ::posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    throw std::runtime_error("peer: cannot start " + argv.at(0) + ": " + std::strerror(rc));
  }
  fd_ = sv[0];
}

PeerProcess::~PeerProcess() {
  if (fd_ >= 0) {
    static constexpr char kQuit[] = "quit\n";
    (void)::send(fd_, kQuit, sizeof kQuit - 1, MSG_NOSIGNAL);
    ::close(fd_);
  }
  if (pid_ <= 0) return;
  // Closing the socket ends the peer's loop; give it two seconds, then kill it.
  for (int i = 0; i < 200; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

std::string PeerProcess::last_error_line() const {
  std::ifstream in(stderr_file_);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

void PeerProcess::fail(const std::string& what) const {
  const std::string err = last_error_line();
  throw std::runtime_error("peer: " + what + (err.empty() ? "" : " (it said: " + err + ")"));
}

void PeerProcess::write(std::span<const std::byte> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("the peer process stopped reading");
    done += static_cast<std::size_t>(n);
  }
}

void PeerProcess::write(const std::string& text) { write(std::as_bytes(std::span(text.data(), text.size()))); }

std::string PeerProcess::read_line() {
  for (;;) {
    if (const auto nl = buffered_.find('\n'); nl != std::string::npos) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return line;
    }
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("the peer process ended");
    buffered_.append(chunk, static_cast<std::size_t>(n));
  }
}

void PeerProcess::read_exact(std::span<std::byte> into) {
  const std::size_t from_buffer = std::min(into.size(), buffered_.size());
  if (from_buffer > 0) std::memcpy(into.data(), buffered_.data(), from_buffer);
  buffered_.erase(0, from_buffer);
  std::size_t done = from_buffer;
  while (done < into.size()) {
    const ssize_t n = ::recv(fd_, into.data() + done, into.size() - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("the peer process ended in the middle of its outputs");
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace eb::peer

// A child process spoken to over a socket pair on its stdin and stdout: edgebench's side
// of tools/peer_run.py. Lines of JSON and raw tensor bytes go both ways; writes never raise
// SIGPIPE (a peer that died is an exception naming what it wrote on stderr). The child is
// asked to quit, then killed if it does not, when the object goes away.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace eb::peer {

class PeerProcess {
 public:
  // Starts argv[0] (looked up in PATH) with stderr going to `stderr_file`.
  // Throws std::runtime_error when it cannot be started.
  PeerProcess(const std::vector<std::string>& argv, std::filesystem::path stderr_file);
  ~PeerProcess();
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  void write(std::span<const std::byte> bytes);
  void write(const std::string& text);
  // One line without its '\n'; throws when the peer closed its end first.
  std::string read_line();
  void read_exact(std::span<std::byte> into);

  // What the peer wrote on stderr so far (its last line), for error messages.
  std::string last_error_line() const;

 private:
  [[noreturn]] void fail(const std::string& what) const;
  pid_t pid_ = -1;
  int fd_ = -1;
  std::filesystem::path stderr_file_;
  std::string buffered_;  // read past the last line returned
};

}  // namespace eb::peer

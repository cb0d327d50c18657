// Runs the edgebench binary (EB_CLI) in a child process with optional resource limits —
// what the bad-input tests need beyond tests/cli/cli_runner.h: a file-size limit (a full
// disk as the program sees it) and several children at once.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "tests/cli/cli_runner.h"

namespace eb::test {

struct ChildLimits {
  std::optional<rlim_t> max_file_bytes;  // RLIMIT_FSIZE: writes past it fail with EFBIG
  std::vector<std::string> env;          // this process's environment with "NAME=VALUE" set, "NAME" removed
};

// Starts the child and returns its pid; stdout/stderr go to files under `capture`.
inline pid_t start_cli(const std::vector<std::string>& args, const fs::path& capture, const ChildLimits& limits = {}) {
  fs::create_directories(capture);
  const std::string out = (capture / "stdout").string(), err = (capture / "stderr").string();
  std::vector<std::string> storage{EB_CLI};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The environment is built before fork: only async-signal-safe calls may follow it.
  const auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  std::vector<std::string> env_storage;
  for (const auto& e : limits.env)
    if (e.find('=') != std::string::npos) env_storage.push_back(e);
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    if (std::none_of(limits.env.begin(), limits.env.end(), [&](const std::string& x) { return name_of(x) == name_of(entry); }))
      env_storage.push_back(entry);
  }
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    const int in_fd = ::open("/dev/null", O_RDONLY), out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644),
              err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) ::_exit(127);
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    if (limits.max_file_bytes) {
      // A real full disk makes write() fail; so does this limit once SIGXFSZ is ignored.
      ::signal(SIGXFSZ, SIG_IGN);
      const rlimit r{*limits.max_file_bytes, *limits.max_file_bytes};
      ::setrlimit(RLIMIT_FSIZE, &r);
    }
    ::execve(EB_CLI, argv.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

inline CliResult wait_cli(pid_t pid, const fs::path& capture) {
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0) {
  }
  CliResult r;
  r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  r.out = read_file(capture / "stdout");
  r.err = read_file(capture / "stderr");
  return r;
}

inline CliResult run_cli_limited(const std::vector<std::string>& args, const ChildLimits& limits) {
  TempDir capture;
  return wait_cli(start_cli(args, capture.path(), limits), capture.path());
}

// A table row's argument with every "{tmp}" replaced by the test's own folder.
inline std::string with_tmp(std::string s, const fs::path& tmp) {
  for (auto at = s.find("{tmp}"); at != std::string::npos; at = s.find("{tmp}", at + tmp.string().size()))
    s.replace(at, 5, tmp.string());
  return s;
}

}  // namespace eb::test

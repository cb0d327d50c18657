// What the ONNX export tests share: raw float files for tools/onnx_check.py, running it,
// and whether python3 can import ONNX / ONNX Runtime (tools/test.sh installs them; tests
// that need them skip with the reason when they are missing).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/tensor.h"

namespace eb::test {

inline bool python_imports(const std::string& module) {
  return std::system(("python3 -c 'import " + module + "' >/dev/null 2>&1").c_str()) == 0;
}

inline void write_f32(const std::filesystem::path& path, const Tensor& t) {
  std::ofstream f(path, std::ios::binary);
  const auto b = t.bytes();
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

struct CheckRun {
  int status = -1;      // onnx_check.py's exit status
  nlohmann::json json;  // its report (null when it printed none)
  std::string text;
};

// Runs tools/onnx_check.py with `args` (already quoted where needed).
inline CheckRun onnx_check(const std::string& args) {
  CheckRun r;
  const std::string cmd = "python3 " EB_SOURCE_DIR "/tools/onnx_check.py " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p) != nullptr) r.text += buf;
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  const auto brace = r.text.rfind("\n{");
  const std::string last = brace == std::string::npos ? r.text : r.text.substr(brace + 1);
  r.json = nlohmann::json::parse(last, nullptr, false);
  if (r.json.is_discarded()) r.json = nullptr;
  return r;
}

}  // namespace eb::test

// A FAKE libedgetpu for testing edgebench's host-side Edge TPU runner: it lists Edge TPU
// devices that do not exist (one USB Accelerator by default) and hands out delegate
// handles that do nothing, recording every call. It checks OUR use of the delegate API
// (which device is asked for, that the delegate is freed once and after the interpreter);
// it talks to no hardware and never produces benchmark numbers.
//
// Test controls (C linkage, not part of libedgetpu's API): fake_edgetpu_set_log(vector<string>*)
// shares one call log with the fake TFLite; fake_edgetpu_set_devices(n) sets how many
// devices are listed (the first USB, the rest PCIe); fake_edgetpu_live() counts delegates
// and device lists not yet freed.
#include <string>
#include <type_traits>
#include <vector>

#include "backends/edgetpu/tflite_c_api.h"

using namespace eb::edgetpu;

namespace eb::edgetpu {
struct TfLiteDelegate {
  std::string device;  // what it was created for
};
}  // namespace eb::edgetpu

namespace {

std::vector<std::string>* g_log = nullptr;  // owned by the test
int g_devices = 1;
int g_live = 0;

void record(const std::string& event) {
  if (g_log) g_log->push_back(event);
}

const char* device_path(int i) {
  static const char* const paths[] = {"/sys/bus/usb/devices/fake-1", "/dev/apex_0", "/dev/apex_1"};
  return paths[i < 3 ? i : 2];
}

}  // namespace

extern "C" {

void fake_edgetpu_set_log(std::vector<std::string>* log) { g_log = log; }
void fake_edgetpu_set_devices(int n) { g_devices = n; }
int fake_edgetpu_live() { return g_live; }

edgetpu_device* edgetpu_list_devices(std::size_t* n) {
  record("edgetpu_list_devices");
  *n = static_cast<std::size_t>(g_devices);
  if (g_devices == 0) return nullptr;
  auto* list = new edgetpu_device[static_cast<std::size_t>(g_devices)];
  for (int i = 0; i < g_devices; ++i) list[i] = {i == 0 ? EDGETPU_APEX_USB : EDGETPU_APEX_PCI, device_path(i)};
  ++g_live;
  return list;
}

void edgetpu_free_devices(edgetpu_device* list) {
  record("edgetpu_free_devices");
  if (list) --g_live;
  delete[] list;
}

TfLiteDelegate* edgetpu_create_delegate(edgetpu_device_type type, const char* name, const edgetpu_option*, std::size_t n_options) {
  const std::string device = std::string(type == EDGETPU_APEX_USB ? "usb " : "pci ") + (name ? name : "(any)");
  record("edgetpu_create_delegate " + device + " options " + std::to_string(n_options));
  ++g_live;
  return new TfLiteDelegate{device};
}

void edgetpu_free_delegate(TfLiteDelegate* d) {
  record("edgetpu_free_delegate");
  if (d) --g_live;
  delete d;
}

}  // extern "C"

// The fake implements exactly the signatures the runner declares.
static_assert(std::is_same_v<decltype(&edgetpu_list_devices), c_fn::edgetpu_list_devices>);
static_assert(std::is_same_v<decltype(&edgetpu_free_devices), c_fn::edgetpu_free_devices>);
static_assert(std::is_same_v<decltype(&edgetpu_create_delegate), c_fn::edgetpu_create_delegate>);
static_assert(std::is_same_v<decltype(&edgetpu_free_delegate), c_fn::edgetpu_free_delegate>);

// The Edge TPU device runner against FAKE libtensorflowlite_c and libedgetpu
// (tests/edgetpu/fakes/, built as shared libraries and dlopened by path exactly as the
// runner opens the real ones). Like XRT's no-hardware emulation, the fakes test OUR
// host-side code honestly: the call sequence (delegate added before the interpreter is
// built and its tensors allocated, freed after it), the copies in and out, NCHW/NHWC and
// quantisation conversions, the timing record and every one-line error. They cannot tell
// whether the real libraries behave as declared, and no number from them is a benchmark
// result: that needs a Coral device.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "backends/edgetpu/device_executable.h"
#include "backends/edgetpu/device_runner.h"
#include "backends/edgetpu/options.h"
#include "backends/edgetpu/edgetpu_backend.h"
#include "backends/edgetpu/runtime_probe.h"
#include "backends/edgetpu/tflite_c_api.h"
#include "core/graph.h"

namespace eb::edgetpu {
namespace {

namespace fs = std::filesystem;

// Opens the fakes for their test controls and shares one call log between them.
class FakeRuntime : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("eb-edgetpu-runner-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    tflite_.library.function<void (*)(std::vector<std::string>*)>("fake_tflite_set_log")(&log_);
    edgetpu_.function<void (*)(std::vector<std::string>*)>("fake_edgetpu_set_log")(&log_);
    set_devices(1);
  }
  void TearDown() override {
    tflite_.library.function<void (*)(std::vector<std::string>*)>("fake_tflite_set_log")(nullptr);
    edgetpu_.function<void (*)(std::vector<std::string>*)>("fake_edgetpu_set_log")(nullptr);
    set_devices(1);
    fs::remove_all(dir_);
  }

  void set_devices(int n) { edgetpu_.function<void (*)(int)>("fake_edgetpu_set_devices")(n); }
  int live() {
    return tflite_.library.function<int (*)()>("fake_tflite_live")() + edgetpu_.function<int (*)()>("fake_edgetpu_live")();
  }
  std::vector<unsigned char> last_input() {
    return *tflite_.library.function<const std::vector<unsigned char>* (*)()>("fake_tflite_last_input")();
  }

  std::string write_model(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  DeviceRunnerOptions options(const std::string& model) {
    DeviceRunnerOptions o;
    o.model = model;
    o.tflite_library = EB_FAKE_TFLITE_C;
    o.edgetpu_library = EB_FAKE_EDGETPU;
    return o;
  }
  // The one-line message of the exception `f` throws ("" when it throws none).
  static std::string error_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const std::exception& e) {
      const std::string m = e.what();
      EXPECT_EQ(m.find('\n'), std::string::npos) << m;
      return m;
    }
    return "";
  }
  void expect_log_tail(const std::vector<std::string>& expected) {
    ASSERT_GE(log_.size(), expected.size());
    EXPECT_EQ(std::vector<std::string>(log_.end() - static_cast<std::ptrdiff_t>(expected.size()), log_.end()), expected);
  }

  fs::path dir_;
  std::vector<std::string> log_;
  TfLiteCApi tflite_{EB_FAKE_TFLITE_C};  // the fake as a TFLite API, and its library for the controls
  SharedLibrary edgetpu_{EB_FAKE_EDGETPU};
};

const char* const kInt8Model =
    "fake-tflite\n"
    "input int8 1,4 0.5 -1\n"
    "output int8 1,4 0.25 3\n";

std::vector<std::byte> bytes_of(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int x : v) out.push_back(static_cast<std::byte>(x));
  return out;
}

TEST_F(FakeRuntime, AttachesTheDelegateBeforeAllocatingThenCopiesInvokesAndCopiesBack) {
  const std::string model = write_model("m.tflite", kInt8Model);
  {
    DeviceRunnerOptions o = options(model);
    o.threads = 2;
    DeviceRunner runner(o);
    EXPECT_EQ(log_, (std::vector<std::string>{
                        "edgetpu_list_devices",
                        "edgetpu_free_devices",
                        "TfLiteModelCreateFromFile " + model,
                        "edgetpu_create_delegate usb /sys/bus/usb/devices/fake-1 options 0",
                        "TfLiteInterpreterOptionsCreate",
                        "TfLiteInterpreterOptionsSetNumThreads 2",
                        "TfLiteInterpreterOptionsAddDelegate",
                        "TfLiteInterpreterCreate",
                        "TfLiteInterpreterAllocateTensors (delegated)",
                    }));
    EXPECT_EQ(runner.device().describe(), "usb /sys/bus/usb/devices/fake-1");
    ASSERT_EQ(runner.inputs().size(), 1u);
    ASSERT_EQ(runner.outputs().size(), 1u);
    EXPECT_EQ(runner.inputs()[0].describe(), "[1, 4] int8 (scale 0.5, zero point -1)");
    EXPECT_EQ(runner.outputs()[0].bytes, 4u);
    EXPECT_EQ(runner.invocations(), 0u);

    const std::vector<std::vector<std::byte>> in{bytes_of({1, -2, 126, 127})};
    auto out = runner.run(in);
    EXPECT_EQ(runner.invocations(), 1u);
    EXPECT_GT(runner.last_invoke_ns(), 0.0);
    EXPECT_EQ(DeviceRunner::invoke_provenance().kind, Provenance::Kind::measured);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], bytes_of({2, -1, 127, 127}));  // the fake adds one, saturating
    expect_log_tail({"TfLiteTensorCopyFromBuffer 4", "TfLiteInterpreterInvoke", "TfLiteTensorCopyToBuffer 4"});

    out = runner.run(std::vector<std::vector<std::byte>>{bytes_of({0, 0, 0, 5})});
    EXPECT_EQ(out[0], bytes_of({1, 1, 1, 6}));
    EXPECT_EQ(runner.invocations(), 2u);
    EXPECT_EQ(std::count(log_.begin(), log_.end(), "TfLiteInterpreterInvoke"), 2);
    EXPECT_GT(live(), 0);
  }
  // The interpreter goes before the delegate it uses; nothing is left alive.
  expect_log_tail({"TfLiteInterpreterDelete", "TfLiteInterpreterOptionsDelete", "edgetpu_free_delegate", "TfLiteModelDelete"});
  EXPECT_EQ(live(), 0);
}

TEST_F(FakeRuntime, UsesTheChosenDevice) {
  const std::string model = write_model("m.tflite", kInt8Model);
  set_devices(2);
  DeviceRunnerOptions o = options(model);
  o.device_index = 1;
  {
    DeviceRunner runner(o);
    EXPECT_EQ(runner.device().describe(), "pci /dev/apex_0");
    EXPECT_NE(std::find(log_.begin(), log_.end(), "edgetpu_create_delegate pci /dev/apex_0 options 0"), log_.end());
    EXPECT_EQ(std::find(log_.begin(), log_.end(), "TfLiteInterpreterOptionsSetNumThreads 0"), log_.end());  // default threads
  }
  o.device_index = 2;
  EXPECT_EQ(error_of([&] { DeviceRunner r(o); }),
            "edgetpu: device 2 requested but libedgetpu lists 2 (usb /sys/bus/usb/devices/fake-1, pci /dev/apex_0)");
  EXPECT_EQ(live(), 0);
}

TEST_F(FakeRuntime, EachFailureIsOneLineNamingWhatIsMissing) {
  const std::string model = write_model("m.tflite", kInt8Model);

  DeviceRunnerOptions o = options(model);
  o.tflite_library = (dir_ / "libtensorflowlite_c.so").string();
  std::string e = error_of([&] { DeviceRunner r(o); });
  EXPECT_EQ(e.rfind("edgetpu: cannot load " + o.tflite_library + ": ", 0), 0u) << e;

  o = options(model);
  o.edgetpu_library = "libeb-no-such-edgetpu.so.1";
  e = error_of([&] { DeviceRunner r(o); });
  EXPECT_EQ(e.rfind("edgetpu: cannot load libeb-no-such-edgetpu.so.1: ", 0), 0u) << e;

  o = options(model);
  o.tflite_library = EB_FAKE_TFLITE_C_NO_INVOKE;
  EXPECT_EQ(error_of([&] { DeviceRunner r(o); }), std::string("edgetpu: ") + EB_FAKE_TFLITE_C_NO_INVOKE + " has no symbol TfLiteInterpreterInvoke");

  set_devices(0);
  EXPECT_EQ(error_of([&] { DeviceRunner r(options(model)); }),
            std::string("edgetpu: libedgetpu (") + EB_FAKE_EDGETPU + ") lists no Edge TPU device");
  set_devices(1);

  EXPECT_EQ(error_of([&] { DeviceRunner r(options((dir_ / "absent.tflite").string())); }),
            "edgetpu: model file '" + (dir_ / "absent.tflite").string() + "' does not exist or is not a file");
  const std::string junk = write_model("junk.tflite", "not a model\n");
  EXPECT_EQ(error_of([&] { DeviceRunner r(options(junk)); }), "edgetpu: TFLite could not read '" + junk + "' as a .tflite model");

  DeviceRunner runner(options(model));
  EXPECT_EQ(error_of([&] { runner.run(std::vector<std::vector<std::byte>>{bytes_of({1, 2, 3})}); }),
            "edgetpu: input 0 has 3 bytes, the model's input 0 is [1, 4] int8 (scale 0.5, zero point -1) (4 bytes)");
  EXPECT_EQ(error_of([&] { runner.run(std::vector<std::vector<std::byte>>{}); }),
            "edgetpu: 0 inputs given, '" + model + "' takes 1");
  EXPECT_EQ(runner.invocations(), 0u);
  EXPECT_EQ(std::count(log_.begin(), log_.end(), "TfLiteInterpreterInvoke"), 0);
}

TEST_F(FakeRuntime, AFailedInvokeIsAnErrorAndNotATiming) {
  const std::string model = write_model("m.tflite", std::string(kInt8Model) + "fail invoke\n");
  DeviceRunner runner(options(model));
  EXPECT_EQ(error_of([&] { runner.run(std::vector<std::vector<std::byte>>{bytes_of({1, 2, 3, 4})}); }),
            "edgetpu: TfLiteInterpreterInvoke failed (kTfLiteDelegateError: the Edge TPU delegate failed)");
  EXPECT_EQ(runner.invocations(), 0u);
  EXPECT_EQ(runner.last_invoke_ns(), 0.0);
}

TEST_F(FakeRuntime, FailedConstructionFreesWhatItMadeInOrder) {
  const std::string model = write_model("m.tflite", std::string(kInt8Model) + "fail allocate\n");
  EXPECT_EQ(error_of([&] { DeviceRunner r(options(model)); }), "edgetpu: TfLiteInterpreterAllocateTensors failed for '" + model + "'");
  expect_log_tail({"TfLiteInterpreterAllocateTensors (delegated)", "TfLiteInterpreterDelete", "TfLiteInterpreterOptionsDelete",
                   "edgetpu_free_delegate", "TfLiteModelDelete"});
  EXPECT_EQ(live(), 0);
}

// x [1,3,2,2] → relu → y: the graph the fake model stands for.
Graph nchw_graph() {
  GraphBuilder b("nchw");
  auto x = b.input("x", {1, 3, 2, 2});
  b.output(b.add(OpKind::relu, NoAttrs{}, {x}, "y"));
  return b.finish();
}

TEST_F(FakeRuntime, ExecutableQuantisesTransposesAndTimes) {
  const std::string model = write_model("nhwc.tflite",
                                        "fake-tflite\n"
                                        "input int8 1,2,2,3 0.5 0\n"
                                        "output int8 1,2,2,3 0.5 0\n");
  EdgeTpuDeviceExecutable exe(nchw_graph(), options(model));
  EXPECT_FALSE(exe.last_device_time().has_value());

  std::vector<float> x(12);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.5f * static_cast<float>(i) - 2.0f;  // NCHW order
  const std::vector<Tensor> in{Tensor::from_f32({1, 3, 2, 2}, x)};
  const auto out = exe.run(in);

  // The model received int8 q = x / 0.5 in NHWC order: element (h, w, c) is NCHW index c*4 + h*2 + w.
  const auto got = last_input();
  ASSERT_EQ(got.size(), 12u);
  for (int h = 0; h < 2; ++h)
    for (int w = 0; w < 2; ++w)
      for (int c = 0; c < 3; ++c)
        EXPECT_EQ(static_cast<std::int8_t>(got[static_cast<std::size_t>((h * 2 + w) * 3 + c)]), static_cast<std::int8_t>(c * 4 + h * 2 + w - 4));

  // The fake adds one step (0.5) and the output comes back in NCHW.
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].shape(), (Shape{1, 3, 2, 2}));
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_FLOAT_EQ(out[0].data<float>()[i], x[i] + 0.5f) << i;

  const auto t = exe.last_device_time();
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->provenance.kind, Provenance::Kind::measured);
  EXPECT_EQ(t->ns, exe.runner().last_invoke_ns());
  const auto info = exe.info();
  EXPECT_EQ(info.at("edgetpu.device"), "usb /sys/bus/usb/devices/fake-1");
  EXPECT_EQ(info.at("edgetpu.model"), model);
  EXPECT_EQ(info.at("edgetpu.model.input0"), "[1, 2, 2, 3] int8 (scale 0.5, zero point 0) NHWC");
  EXPECT_EQ(info.at("edgetpu.invocations"), "1");

  EXPECT_EQ(error_of([&] { exe.run(std::vector<Tensor>{Tensor::from_f32({1, 12}, x)}); }),
            "edgetpu: input 'x' is [1, 12], the graph expects [1, 3, 2, 2]");
}

TEST_F(FakeRuntime, ExecutableRejectsAModelThatIsNotTheGraph) {
  const std::string wrong_shape = write_model("w.tflite", "fake-tflite\ninput int8 1,12 0.5 0\noutput int8 1,2,2,3 0.5 0\n");
  EXPECT_EQ(error_of([&] { EdgeTpuDeviceExecutable e(nchw_graph(), options(wrong_shape)); }),
            "edgetpu: graph input 'x' is [1, 3, 2, 2] but input 0 of '" + wrong_shape +
                "' is [1, 12] (neither that shape nor its NHWC layout)");
  const std::string two_inputs =
      write_model("two.tflite", "fake-tflite\ninput int8 1,3,2,2 0.5 0\ninput int8 1,3,2,2 0.5 0\noutput int8 1,3,2,2 0.5 0\n");
  EXPECT_EQ(error_of([&] { EdgeTpuDeviceExecutable e(nchw_graph(), options(two_inputs)); }),
            "edgetpu: '" + two_inputs + "' has 2 inputs, graph 'nchw' has 1");
  const std::string int32 = write_model("i32.tflite", "fake-tflite\ninput int32 1,3,2,2 0 0\noutput int8 1,3,2,2 0.5 0\n");
  EXPECT_EQ(error_of([&] { EdgeTpuDeviceExecutable e(nchw_graph(), options(int32)); }),
            "edgetpu: input 0 of '" + int32 + "' is [1, 3, 2, 2] int32; the runner converts only float32, int8 and uint8");
  EXPECT_EQ(live(), 0);
}

TEST(DeviceConversion, QuantisesRoundingHalfToEvenAndSaturating) {
  ModelTensor i8{kTfLiteInt8, {1, 6}, 6, {0.5f, -1}};
  const std::vector<float> v{0.25f, 0.75f, -0.25f, 1000.0f, -1000.0f, 1.0f};
  const auto b = to_model_bytes(v, i8);
  std::vector<int> q;
  for (auto x : b) q.push_back(static_cast<std::int8_t>(x));
  EXPECT_EQ(q, (std::vector<int>{-1, 1, -1, 127, -128, 1}));  // 0.5→0, 1.5→2, -0.5→-0 (then -1 zero point)
  const auto back = from_model_bytes(b, i8);
  EXPECT_FLOAT_EQ(back[1], 1.0f);
  EXPECT_FLOAT_EQ(back[3], 64.0f);

  ModelTensor u8{kTfLiteUInt8, {2}, 2, {0.1f, 128}};
  const auto ub = to_model_bytes(std::vector<float>{-20.0f, 0.3f}, u8);
  EXPECT_EQ(static_cast<int>(ub[0]), 0);
  EXPECT_EQ(static_cast<int>(ub[1]), 131);

  ModelTensor f32{kTfLiteFloat32, {2}, 8, {0.0f, 0}};
  EXPECT_EQ(from_model_bytes(to_model_bytes(std::vector<float>{1.5f, -2.0f}, f32), f32), (std::vector<float>{1.5f, -2.0f}));

  ModelTensor unscaled{kTfLiteInt8, {2}, 2, {0.0f, 0}};
  EXPECT_THROW(to_model_bytes(std::vector<float>{1, 2}, unscaled), std::invalid_argument);
}

TEST(DeviceOptions, FromBackendOptions) {
  const auto o = DeviceRunnerOptions::from(ResolvedOptions(edgetpu_options(), {{"edgetpu.model", "m_edgetpu.tflite"}, {"edgetpu.device", "1"}, {"edgetpu.libedgetpu", "/opt/libedgetpu.so.1"}}), 3);
  EXPECT_EQ(o.model, "m_edgetpu.tflite");
  EXPECT_EQ(o.device_index, 1u);
  EXPECT_EQ(o.edgetpu_library, "/opt/libedgetpu.so.1");
  EXPECT_EQ(o.tflite_library, "libtensorflowlite_c.so");
  EXPECT_EQ(o.threads, 3);
  EXPECT_THROW(DeviceRunnerOptions::from(ResolvedOptions(edgetpu_options(), {}), 0), std::invalid_argument);
  EXPECT_THROW(DeviceRunnerOptions::from(ResolvedOptions(edgetpu_options(), {{"edgetpu.model", "m"}, {"edgetpu.device", "first"}}), 0), std::invalid_argument);
  EXPECT_THROW(DeviceRunnerOptions::from(ResolvedOptions(edgetpu_options(), {{"edgetpu.model", "m"}, {"edgetpu.device", "-1"}}), 0), std::invalid_argument);
}

// With edgetpu.model, the backend takes the whole graph and either runs the device or says
// why not in the probe's words; it never silently simulates.
TEST(DeviceBackend, ModelOptionNeedsTheRuntimeAndNeverFallsBackToTheSimulation) {
  CompileOptions o;
  o.precision = Precision::int8;
  GraphBuilder b("ln");
  auto x = b.input("x", {1, 4, 8});
  b.output(b.add(OpKind::layernorm, LayerNormAttrs{}, {x, b.weight("g", {8}, WeightInit::ones()), b.weight("b", {8}, WeightInit::zeros())}, "n"));
  const Graph g = b.finish();
  const auto backend = make_edgetpu_backend();
  EXPECT_FALSE(backend->supports(g, g.nodes[0], o));  // the simulation cuts at the layer norm
  o.extra["edgetpu.device"] = "0";
  try {
    backend->compile(g, Weights{}, o);
    ADD_FAILURE() << "edgetpu.device without edgetpu.model was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "edgetpu: edgetpu.device applies to a real Edge TPU and needs edgetpu.model=FILE.tflite");
  }
  o.extra.erase("edgetpu.device");
  o.extra["edgetpu.model"] = "m_edgetpu.tflite";
  o.extra["edgetpu.libtflite"] = EB_FAKE_TFLITE_C;
  o.extra["edgetpu.libedgetpu"] = EB_FAKE_EDGETPU;
  EXPECT_TRUE(backend->supports(g, g.nodes[0], o));  // the file stands for the whole graph

  const RuntimeStatus s = probe_runtime_with(EB_FAKE_EDGETPU, EB_FAKE_TFLITE_C, "");
  if (s.complete()) GTEST_SKIP() << "an Edge TPU is attached here; the no-device path cannot be shown";
  std::string message;
  try {
    backend->compile(g, Weights{}, o);
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  EXPECT_EQ(message, "edgetpu: edgetpu.model was given but the Edge TPU cannot run here: " + s.missing());
  EXPECT_NE(message.find("no Edge TPU device"), std::string::npos);
  EXPECT_EQ(message.find("not loadable"), std::string::npos);  // the fake libraries load
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace eb::edgetpu

// edgebench make-dataset: writes small synthetic data sets in the standard formats, for
// tests and demos (bench/datasets/synthetic_coco.h, synthetic_dense.h).
//   edgebench make-dataset coco  --out DIR [--images N] [--seed S] [--width W] [--height H] [--image-format jpeg|png]
//   edgebench make-dataset dense --out DIR [--images N] [--seed S] [--width W] [--height H] [--classes C]
//                                [--ignore-index I] [--depth png16|npy|none] [--no-labels] [--image-format png|jpeg]
// The set is built in a hidden folder beside DIR and renamed to DIR at the end; a killed
// make-dataset's hidden folder is removed by the next one (cli/build_folder.h).

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "bench/datasets/synthetic_coco.h"
#include "bench/datasets/synthetic_dense.h"
#include "bench/job.h"
#include "cli/build_folder.h"
#include "cli/commands.h"
#include "cli/validators.h"

namespace eb::cli {
namespace {

struct CommonOptions {
  std::string out;
  bool force = false;
  std::string image_format;
};

// A data set is never written over other files unless asked: mixing leaves a folder that
// is neither the old nor the new set.
void check_out(const CommonOptions& c) {
  namespace fs = std::filesystem;
  if (fs::exists(c.out) && !fs::is_directory(c.out)) throw std::invalid_argument(c.out + ": exists and is not a folder");
  if (!c.force && fs::is_directory(c.out) && !fs::is_empty(c.out))
    throw std::invalid_argument(c.out + ": folder is not empty (use --force to write into it anyway)");
}

// Writing into a non-empty folder (--force) goes straight into it; otherwise the set is
// built beside it and renamed into place (cli/build_folder.h).
void write_then_rename(const CommonOptions& c, const std::function<void(const std::filesystem::path&)>& write) {
  namespace fs = std::filesystem;
  fs::path out = fs::path(c.out).lexically_normal();
  if (!out.has_filename()) out = out.parent_path();  // "DIR/"
  if (fs::is_directory(out) && !fs::is_empty(out)) return write(out);
  build_then_rename(out, write);
}

bench::ImageFormat image_format(const std::string& name) {
  return name == "png" ? bench::ImageFormat::png : bench::ImageFormat::jpeg;
}

void add_common(CLI::App* cmd, CommonOptions& c, int& images, std::uint64_t& seed, int& width, int& height) {
  cmd->add_option("--out", c.out, "Folder to write (created)")->required();
  cmd->add_flag("--force", c.force, "Write into a folder that is not empty");
  cmd->add_option("--images", images, "Number of images")->check(CLI::Range(0, 100000))->capture_default_str();
  cmd->add_option("--seed", seed, "Seed (the same seed gives the same files)")->check(unsigned_value())->capture_default_str();
  cmd->add_option("--width", width, "Image width (COCO: sizes vary ±25 % around it)")->check(CLI::Range(8, 8192))->capture_default_str();
  cmd->add_option("--height", height, "Image height")->check(CLI::Range(8, 8192))->capture_default_str();
}

}  // namespace

void add_make_dataset_command(CLI::App& app, const Context&) {
  CLI::App* cmd = app.add_subcommand("make-dataset", "Write a small synthetic data set (COCO-style or dense) for tests and demos");
  cmd->require_subcommand(1);

  struct Coco {
    CommonOptions common{"", false, "jpeg"};
    bench::CocoDatasetOptions options;
  };
  auto coco = std::make_shared<Coco>();
  CLI::App* c = cmd->add_subcommand("coco", "annotations.json (instances), images/, and detections.json (results) to try 'eval coco'");
  add_common(c, coco->common, coco->options.annotations.images, coco->options.annotations.seed, coco->options.annotations.width,
             coco->options.annotations.height);
  c->add_option("--categories", coco->options.annotations.categories, "Listed categories (the last gets no ground truth)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  c->add_option("--image-format", coco->common.image_format, "Picture format")->check(CLI::IsMember({"jpeg", "png"}))->capture_default_str();
  c->callback([coco] {
    check_out(coco->common);
    coco->options.format = image_format(coco->common.image_format);
    write_then_rename(coco->common, [&](const std::filesystem::path& dir) { bench::write_coco_dataset(dir, coco->options); });
    fmt::print("wrote {}: {} images, annotations.json, detections.json\n", coco->common.out, coco->options.annotations.images);
  });

  struct Dense {
    CommonOptions common{"", false, "png"};
    bench::DenseDatasetOptions options;
    std::string depth = "png16";
    bool no_labels = false;
  };
  auto dense = std::make_shared<Dense>();
  CLI::App* d = cmd->add_subcommand("dense", "images/, labels/ (class ids, ignore band), depth/ (16-bit PNG or .npy) and dataset.json");
  add_common(d, dense->common, dense->options.images, dense->options.seed, dense->options.width, dense->options.height);
  d->add_option("--classes", dense->options.num_classes, "Number of classes (0 is the floor)")->check(CLI::Range(1, 65535))->capture_default_str();
  d->add_option("--ignore-index", dense->options.ignore_index, "Label value meaning 'not labelled'")->check(CLI::Range(0, 65535))->capture_default_str();
  d->add_option("--depth", dense->depth, "Depth maps: 16-bit PNG (with --depth-scale), .npy in metres, or none")
      ->check(CLI::IsMember({"png16", "npy", "none"}))
      ->capture_default_str();
  d->add_option("--depth-scale", dense->options.depth_scale, "PNG depth codes per metre")->check(positive_real())->capture_default_str();
  d->add_flag("--no-labels", dense->no_labels, "Write no label maps (depth only)");
  d->add_option("--image-format", dense->common.image_format, "Picture format")->check(CLI::IsMember({"png", "jpeg"}))->capture_default_str();
  d->callback([dense] {
    check_out(dense->common);
    bench::DenseDatasetOptions o = dense->options;
    o.image_format = image_format(dense->common.image_format);
    o.depth = dense->depth != "none";
    o.depth_format = dense->depth == "npy" ? bench::DepthFormat::npy : bench::DepthFormat::png16;
    o.labels = !dense->no_labels;
    if (!o.labels && !o.depth) throw bench::InvalidJob("--no-labels with --depth none leaves nothing to evaluate against");
    write_then_rename(dense->common, [&](const std::filesystem::path& dir) { bench::write_dense_dataset(dir, o); });
    fmt::print("wrote {}: {} samples, {}{}dataset.json\n", dense->common.out, o.images, o.labels ? "labels/, " : "",
               o.depth ? (o.depth_format == bench::DepthFormat::npy ? "depth/ (.npy), " : "depth/ (16-bit PNG), ") : "");
  });
}

}  // namespace eb::cli

// JPEG through libjpeg-turbo. libjpeg reports errors through error_exit, which must not
// return; it longjmps back into `guarded`, whose frame holds nothing with a destructor,
// and the message becomes an exception there. Handles are owned by RAII types.
#include <array>
#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE and size_t declared first
#include <stdexcept>
#include <string>
#include <vector>

#include <jpeglib.h>

#include "bench/datasets/codec_detail.h"
#include "bench/datasets/image_codec.h"

namespace eb::bench {
namespace {

struct ErrorManager {
  jpeg_error_mgr pub;  // first member: libjpeg hands back a pointer to it
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX] = {};
};

[[noreturn]] void on_error(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

// Corrupt-data warnings are not errors in libjpeg either; stay quiet on stderr.
void on_message(j_common_ptr) {}

void install(ErrorManager& err) {
  jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.output_message = on_message;
}

template <class F>
void guarded(ErrorManager& err, const std::string& name, F&& calls) {
  if (setjmp(err.jump)) throw std::invalid_argument(name + ": " + err.message);
  calls();
}

class Decompressor {
 public:
  Decompressor() {
    install(err_);
    cinfo_.err = &err_.pub;
  }
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;
  ~Decompressor() {
    if (created_) jpeg_destroy_decompress(&cinfo_);
  }
  void create(const std::string& name) {
    guarded(err_, name, [&] { jpeg_create_decompress(&cinfo_); });
    created_ = true;
  }
  jpeg_decompress_struct& cinfo() { return cinfo_; }
  ErrorManager& err() { return err_; }

 private:
  ErrorManager err_;
  jpeg_decompress_struct cinfo_{};
  bool created_ = false;
};

// Appends the compressed stream to a std::vector through a fixed staging buffer (libjpeg's
// own jpeg_mem_dest leaves a dangling pointer behind if compression fails half-way).
struct VectorDestination {
  jpeg_destination_mgr pub;  // first member
  std::vector<std::uint8_t>* out = nullptr;
  std::array<JOCTET, 16384> staging{};

  static VectorDestination& of(j_compress_ptr cinfo) { return *reinterpret_cast<VectorDestination*>(cinfo->dest); }
  static void init(j_compress_ptr cinfo) {
    auto& d = of(cinfo);
    d.pub.next_output_byte = d.staging.data();
    d.pub.free_in_buffer = d.staging.size();
  }
  static boolean flush_full(j_compress_ptr cinfo) {
    auto& d = of(cinfo);
    d.out->insert(d.out->end(), d.staging.begin(), d.staging.end());
    init(cinfo);
    return TRUE;
  }
  static void finish(j_compress_ptr cinfo) {
    auto& d = of(cinfo);
    d.out->insert(d.out->end(), d.staging.data(), d.pub.next_output_byte);
  }
};

class Compressor {
 public:
  explicit Compressor(std::vector<std::uint8_t>& out) {
    install(err_);
    cinfo_.err = &err_.pub;
    dest_.out = &out;
    dest_.pub.init_destination = VectorDestination::init;
    dest_.pub.empty_output_buffer = VectorDestination::flush_full;
    dest_.pub.term_destination = VectorDestination::finish;
  }
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;
  ~Compressor() {
    if (created_) jpeg_destroy_compress(&cinfo_);
  }
  void create() {
    guarded(err_, "JPEG encoder", [&] { jpeg_create_compress(&cinfo_); });
    created_ = true;
    cinfo_.dest = &dest_.pub;
  }
  jpeg_compress_struct& cinfo() { return cinfo_; }
  ErrorManager& err() { return err_; }

 private:
  ErrorManager err_;
  VectorDestination dest_;
  jpeg_compress_struct cinfo_{};
  bool created_ = false;
};

}  // namespace

namespace detail {

RgbImage decode_jpeg_rgb(std::span<const std::uint8_t> bytes, const std::string& name) {
  Decompressor d;
  d.create(name);
  jpeg_decompress_struct& c = d.cinfo();
  guarded(d.err(), name, [&] {
    jpeg_mem_src(&c, bytes.data(), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&c, TRUE);
    c.out_color_space = JCS_RGB;  // from gray or YCbCr; CMYK and others fail with libjpeg's message
    jpeg_start_decompress(&c);
  });
  check_image_size(c.output_width, c.output_height, name);
  if (c.output_components != 3)
    throw std::invalid_argument(name + ": JPEG did not convert to RGB (" + std::to_string(c.output_components) + " components)");
  RgbImage img(static_cast<int>(c.output_width), static_cast<int>(c.output_height));
  const std::size_t stride = static_cast<std::size_t>(img.width) * 3;
  guarded(d.err(), name, [&] {
    while (c.output_scanline < c.output_height) {
      JSAMPROW row = img.pixels.data() + c.output_scanline * stride;
      jpeg_read_scanlines(&c, &row, 1);
    }
    jpeg_finish_decompress(&c);
  });
  return img;
}

}  // namespace detail

std::vector<std::uint8_t> encode_jpeg(const RgbImage& image, int quality) {
  if (image.width <= 0 || image.height <= 0)
    throw std::invalid_argument("cannot encode an empty image (" + std::to_string(image.width) + "x" +
                                std::to_string(image.height) + ")");
  if (quality < 1 || quality > 100) throw std::invalid_argument("JPEG quality must be 1..100, not " + std::to_string(quality));
  std::vector<std::uint8_t> out;
  Compressor comp(out);
  comp.create();
  jpeg_compress_struct& c = comp.cinfo();
  const std::size_t stride = static_cast<std::size_t>(image.width) * 3;
  guarded(comp.err(), "JPEG encoder", [&] {
    c.image_width = static_cast<JDIMENSION>(image.width);
    c.image_height = static_cast<JDIMENSION>(image.height);
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, quality, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
      // libjpeg's API takes non-const rows but only reads them.
      JSAMPROW row = const_cast<JSAMPROW>(image.pixels.data() + c.next_scanline * stride);
      jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
  });
  return out;
}

}  // namespace eb::bench

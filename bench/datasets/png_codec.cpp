// PNG through libpng's classic API. libpng reports errors by longjmp to a setjmp point, so
// every libpng call runs inside `guarded`, whose frame holds nothing with a destructor;
// buffers are allocated between guarded phases, and the handles are owned by RAII types.
#include <csetjmp>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <png.h>

#include "bench/datasets/codec_detail.h"
#include "bench/datasets/image_codec.h"

namespace eb::bench {
namespace {

struct ErrorSink {
  std::string message;
};

void on_error(png_structp png, png_const_charp message) {
  static_cast<ErrorSink*>(png_get_error_ptr(png))->message = message;
  png_longjmp(png, 1);
}

// Warnings (an odd ancillary chunk, a wrong checksum in an unused chunk) do not make the
// pixel data wrong, and a library must not print to stderr on its caller's behalf.
void on_warning(png_structp, png_const_charp) {}

// Runs libpng calls; a libpng error becomes std::invalid_argument "<name>: <libpng's message>".
template <class F>
void guarded(png_structp png, const ErrorSink& sink, const std::string& name, F&& calls) {
  if (setjmp(png_jmpbuf(png))) throw std::invalid_argument(name + ": " + sink.message);
  calls();
}

struct ReadCursor {
  std::span<const std::uint8_t> bytes;
  std::size_t pos = 0;
};

void read_from_memory(png_structp png, png_bytep out, png_size_t n) {
  auto* c = static_cast<ReadCursor*>(png_get_io_ptr(png));
  if (n > c->bytes.size() - c->pos) png_error(png, "file is truncated");
  std::memcpy(out, c->bytes.data() + c->pos, n);
  c->pos += n;
}

class PngReader {
 public:
  PngReader(std::span<const std::uint8_t> bytes, const std::string& name) : cursor_{bytes} {
    png_ = png_create_read_struct(PNG_LIBPNG_VER_STRING, &sink_, on_error, on_warning);
    if (png_ != nullptr) info_ = png_create_info_struct(png_);
    if (png_ == nullptr || info_ == nullptr) {
      png_destroy_read_struct(&png_, nullptr, nullptr);
      throw std::runtime_error(name + ": cannot start the PNG decoder (out of memory)");
    }
    png_set_read_fn(png_, &cursor_, read_from_memory);
  }
  PngReader(const PngReader&) = delete;
  PngReader& operator=(const PngReader&) = delete;
  ~PngReader() { png_destroy_read_struct(&png_, info_ != nullptr ? &info_ : nullptr, nullptr); }

  png_structp png() const { return png_; }
  png_infop info() const { return info_; }
  const ErrorSink& sink() const { return sink_; }

 private:
  ErrorSink sink_;
  ReadCursor cursor_;
  png_structp png_ = nullptr;
  png_infop info_ = nullptr;
};

struct Header {
  png_uint_32 width = 0, height = 0;
  int bit_depth = 0, color_type = 0, channels = 0;
  std::size_t row_bytes = 0;
};

Header read_transformed_header(const PngReader& r) {
  Header h;
  h.width = png_get_image_width(r.png(), r.info());
  h.height = png_get_image_height(r.png(), r.info());
  h.bit_depth = png_get_bit_depth(r.png(), r.info());
  h.color_type = png_get_color_type(r.png(), r.info());
  h.channels = png_get_channels(r.png(), r.info());
  h.row_bytes = png_get_rowbytes(r.png(), r.info());
  return h;
}

// Reads all rows (interlacing handled by libpng) into one buffer of height·row_bytes.
std::vector<std::uint8_t> read_rows(const PngReader& r, const Header& h, const std::string& name) {
  detail::check_image_size(h.width, h.height, name);
  std::vector<std::uint8_t> data(h.row_bytes * h.height);
  std::vector<png_bytep> rows(h.height);
  for (png_uint_32 y = 0; y < h.height; ++y) rows[y] = data.data() + y * h.row_bytes;
  guarded(r.png(), r.sink(), name, [&] {
    png_read_image(r.png(), rows.data());
    png_read_end(r.png(), nullptr);
  });
  return data;
}

class PngWriter {
 public:
  explicit PngWriter(std::vector<std::uint8_t>& out) {
    png_ = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink_, on_error, on_warning);
    if (png_ != nullptr) info_ = png_create_info_struct(png_);
    if (png_ == nullptr || info_ == nullptr) {
      png_destroy_write_struct(&png_, nullptr);
      throw std::runtime_error("cannot start the PNG encoder (out of memory)");
    }
    png_set_write_fn(png_, &out, append, nullptr);
  }
  PngWriter(const PngWriter&) = delete;
  PngWriter& operator=(const PngWriter&) = delete;
  ~PngWriter() { png_destroy_write_struct(&png_, info_ != nullptr ? &info_ : nullptr); }

  // Writes rows of `row_bytes` bytes each from `data` (already in PNG's byte order).
  void write(int width, int height, int bit_depth, int color_type, const std::uint8_t* data, std::size_t row_bytes) {
    std::vector<png_bytep> rows(static_cast<std::size_t>(height));
    for (std::size_t y = 0; y < rows.size(); ++y) rows[y] = const_cast<png_bytep>(data + y * row_bytes);  // libpng only reads them
    guarded(png_, sink_, "PNG encoder", [&] {
      png_set_IHDR(png_, info_, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), bit_depth, color_type,
                   PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
      png_write_info(png_, info_);
      png_write_image(png_, rows.data());
      png_write_end(png_, nullptr);
    });
  }

 private:
  static void append(png_structp png, png_bytep data, png_size_t n) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(png_get_io_ptr(png));
    out->insert(out->end(), data, data + n);
  }

  ErrorSink sink_;
  png_structp png_ = nullptr;
  png_infop info_ = nullptr;
};

void check_size(int width, int height) {
  if (width <= 0 || height <= 0 || static_cast<std::size_t>(width) * static_cast<std::size_t>(height) == 0)
    throw std::invalid_argument("cannot encode an empty image (" + std::to_string(width) + "x" + std::to_string(height) + ")");
}

}  // namespace

namespace detail {

RgbImage decode_png_rgb(std::span<const std::uint8_t> bytes, const std::string& name) {
  PngReader r(bytes, name);
  guarded(r.png(), r.sink(), name, [&] {
    png_read_info(r.png(), r.info());
    const int color = png_get_color_type(r.png(), r.info());
    const int depth = png_get_bit_depth(r.png(), r.info());
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(r.png());
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(r.png());
    if (depth == 16) png_set_scale_16(r.png());
    if ((color & PNG_COLOR_MASK_ALPHA) != 0) png_set_strip_alpha(r.png());
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(r.png());
    png_set_interlace_handling(r.png());
    png_read_update_info(r.png(), r.info());
  });
  const Header h = read_transformed_header(r);
  if (h.channels != 3 || h.bit_depth != 8)
    throw std::invalid_argument(name + ": PNG did not convert to 8-bit RGB (" + std::to_string(h.channels) + " channels, " +
                                std::to_string(h.bit_depth) + " bits)");
  RgbImage img;
  img.width = static_cast<int>(h.width);
  img.height = static_cast<int>(h.height);
  const std::vector<std::uint8_t> data = read_rows(r, h, name);
  img.pixels.resize(static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height) * 3);
  for (png_uint_32 y = 0; y < h.height; ++y)
    std::memcpy(img.pixels.data() + y * h.width * 3, data.data() + y * h.row_bytes, h.width * 3);
  return img;
}

}  // namespace detail

GrayImage decode_gray_png(std::span<const std::uint8_t> bytes, const std::string& name) {
  if (detect_image_format(bytes, name) != ImageFormat::png)
    throw std::invalid_argument(name + ": a label or depth map must be a PNG (JPEG compression would change its values)");
  PngReader r(bytes, name);
  int file_depth = 0;
  int file_color = 0;
  guarded(r.png(), r.sink(), name, [&] {
    png_read_info(r.png(), r.info());
    file_color = png_get_color_type(r.png(), r.info());
    file_depth = png_get_bit_depth(r.png(), r.info());
  });
  if (file_color != PNG_COLOR_TYPE_GRAY && file_color != PNG_COLOR_TYPE_PALETTE)
    throw std::invalid_argument(name + ": expected a single-channel PNG (gray or palette indices), found " +
                                (file_color == PNG_COLOR_TYPE_RGB         ? std::string("RGB")
                                 : file_color == PNG_COLOR_TYPE_RGB_ALPHA ? std::string("RGBA")
                                                                          : std::string("gray+alpha")));
  guarded(r.png(), r.sink(), name, [&] {
    if (file_depth < 8) png_set_packing(r.png());  // one byte per sample, values unchanged
    png_set_interlace_handling(r.png());
    png_read_update_info(r.png(), r.info());
  });
  const Header h = read_transformed_header(r);
  const std::vector<std::uint8_t> data = read_rows(r, h, name);
  GrayImage img(static_cast<int>(h.width), static_cast<int>(h.height), file_depth == 16 ? 16 : 8);
  for (png_uint_32 y = 0; y < h.height; ++y) {
    const std::uint8_t* row = data.data() + y * h.row_bytes;
    for (png_uint_32 x = 0; x < h.width; ++x)
      img.values[y * h.width + x] = h.bit_depth == 16 ? static_cast<std::uint16_t>(row[2 * x] << 8 | row[2 * x + 1]) : row[x];
  }
  return img;
}

std::vector<std::uint8_t> encode_png(const RgbImage& image) {
  check_size(image.width, image.height);
  std::vector<std::uint8_t> out;
  PngWriter(out).write(image.width, image.height, 8, PNG_COLOR_TYPE_RGB, image.pixels.data(),
                       static_cast<std::size_t>(image.width) * 3);
  return out;
}

std::vector<std::uint8_t> encode_png(const GrayImage& image) {
  check_size(image.width, image.height);
  if (image.bit_depth != 8 && image.bit_depth != 16)
    throw std::invalid_argument("a gray PNG has 8 or 16 bits per sample, not " + std::to_string(image.bit_depth));
  const std::size_t bytes_per_sample = image.bit_depth == 16 ? 2 : 1;
  std::vector<std::uint8_t> samples(image.values.size() * bytes_per_sample);
  for (std::size_t i = 0; i < image.values.size(); ++i) {
    const std::uint16_t v = image.values[i];
    if (bytes_per_sample == 2) {  // PNG stores 16-bit samples big-endian
      samples[2 * i] = static_cast<std::uint8_t>(v >> 8);
      samples[2 * i + 1] = static_cast<std::uint8_t>(v & 0xff);
    } else {
      if (v > 255) throw std::invalid_argument("value " + std::to_string(v) + " does not fit an 8-bit PNG (use bit_depth 16)");
      samples[i] = static_cast<std::uint8_t>(v);
    }
  }
  std::vector<std::uint8_t> out;
  PngWriter(out).write(image.width, image.height, image.bit_depth, PNG_COLOR_TYPE_GRAY, samples.data(),
                       static_cast<std::size_t>(image.width) * bytes_per_sample);
  return out;
}

}  // namespace eb::bench
